import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { recordAudit } from './audit.service.ts';
import {
  getTopic,
  type Topic,
  TopicError,
  type TopicInput,
  type TopicLink,
  type TopicProblem,
  type TopicStatus
} from './topic.service.ts';

// How a backlog topic changes after it was proposed: edited while open, withdrawn by its
// proposer, archived or merged by organizers (giving its dots in an open round back), and
// discussed at a meeting. Every change runs in one write transaction that re-checks the status.

/** The topic's status inside a transaction, locked for the rest of it on PostgreSQL. */
async function lockTopics(
  trx: Kysely<Database>,
  db: Db,
  groupId: string,
  ids: string[]
): Promise<Map<string, { status: string; title: string }>> {
  let query = trx
    .selectFrom('topics')
    .select(['id', 'status', 'title'])
    .where('group_id', '=', groupId)
    .where('id', 'in', ids)
    .orderBy('id');
  if (db.dialect === 'postgres') query = query.forUpdate();
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.id, { status: r.status, title: r.title }]));
}

/**
 * Gives back the dots on a topic in the group's open round. The round row is locked first (as a
 * vote does), so no vote lands on the topic after its status changed.
 */
async function releaseVotes(
  trx: Kysely<Database>,
  db: Db,
  groupId: string,
  topicId: string
): Promise<void> {
  let rounds = trx
    .selectFrom('voting_rounds')
    .select('id')
    .where('group_id', '=', groupId)
    .where('status', '=', 'open');
  if (db.dialect === 'postgres') rounds = rounds.forUpdate();
  const ids = (await rounds.execute()).map((r) => r.id);
  if (ids.length === 0) return;
  await trx
    .deleteFrom('votes')
    .where('round_id', 'in', ids)
    .where('topic_id', '=', topicId)
    .execute();
}

/** Runs `work` on a topic of the group whose status is one of `statuses`, in one transaction. */
async function changeTopic<T>(
  db: Db,
  groupId: string,
  id: string,
  statuses: readonly TopicStatus[],
  refusal: TopicProblem,
  work: (trx: Kysely<Database>, topic: { status: string; title: string }) => Promise<T>,
  options: { releaseVotes?: boolean } = {}
): Promise<T> {
  return writeTransaction(db, async (trx) => {
    if (options.releaseVotes) await releaseVotes(trx, db, groupId, id);
    const topic = (await lockTopics(trx, db, groupId, [id])).get(id);
    if (!topic) throw new TopicError('notFound');
    if (!(statuses as readonly string[]).includes(topic.status)) throw new TopicError(refusal);
    return work(trx, topic);
  });
}

async function reload(db: Db, groupId: string, id: string, viewerId: string): Promise<Topic> {
  const topic = await getTopic(db, groupId, id, viewerId);
  if (!topic) throw new TopicError('notFound');
  return topic;
}

/** Changes an open topic's fields (the route checked who may); 409 `topicNotOpen` otherwise. */
export async function updateTopic(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  changes: Partial<TopicInput>
): Promise<Topic> {
  await changeTopic(db, groupId, id, ['open'], 'topicNotOpen', async (trx) => {
    await trx
      .updateTable('topics')
      .set({
        ...(changes.title !== undefined ? { title: changes.title.trim() } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.linkUrl !== undefined ? { link_url: changes.linkUrl } : {}),
        ...(changes.wants !== undefined ? { wants: changes.wants } : {}),
        updated_at: new Date().toISOString()
      })
      .where('id', '=', id)
      .execute();
  });
  return reload(db, groupId, id, actorId);
}

/** Sets an open topic's status (withdrawn or archived) and gives its open-round dots back. */
async function closeTopic(
  db: Db,
  groupId: string,
  id: string,
  status: 'withdrawn' | 'archived',
  audit?: { actorId: string; reason: string | undefined }
): Promise<void> {
  await changeTopic(
    db,
    groupId,
    id,
    ['open'],
    'topicNotOpen',
    async (trx, topic) => {
      await trx
        .updateTable('topics')
        .set({ status, updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
      if (audit) {
        await recordAudit(trx, {
          groupId,
          actorId: audit.actorId,
          action: 'topic.archived',
          details: { topicId: id, title: topic.title, reason: audit.reason ?? null }
        });
      }
    },
    { releaseVotes: true }
  );
}

/** The proposer takes their open topic back; its dots in an open round are given back. */
export async function withdrawTopic(
  db: Db,
  groupId: string,
  id: string,
  userId: string
): Promise<Topic> {
  await closeTopic(db, groupId, id, 'withdrawn');
  return reload(db, groupId, id, userId);
}

/** An organizer archives an open topic (audited); its dots in an open round are given back. */
export async function archiveTopic(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  reason?: string
): Promise<Topic> {
  await closeTopic(db, groupId, id, 'archived', { actorId, reason });
  return reload(db, groupId, id, actorId);
}

/**
 * Merges an open duplicate into another open topic of the group (audited): the duplicate is
 * archived with `mergedInto`, its comments move to the target and its dots in an open round are
 * given back. Returns the target.
 */
export async function mergeTopic(
  db: Db,
  groupId: string,
  id: string,
  intoId: string,
  actorId: string
): Promise<Topic> {
  if (id === intoId) throw new TopicError('mergeIntoSelf');
  await writeTransaction(db, async (trx) => {
    await releaseVotes(trx, db, groupId, id);
    const locked = await lockTopics(trx, db, groupId, [id, intoId]);
    const duplicate = locked.get(id);
    const target = locked.get(intoId);
    if (!duplicate) throw new TopicError('notFound');
    if (duplicate.status !== 'open') throw new TopicError('topicNotOpen');
    if (!target) throw new TopicError('mergeTargetUnknown');
    if (target.status !== 'open') throw new TopicError('mergeTargetNotOpen');
    const at = new Date().toISOString();
    await trx
      .updateTable('topics')
      .set({ status: 'archived', merged_into: intoId, comment_count: 0, updated_at: at })
      .where('id', '=', id)
      .execute();
    await trx
      .updateTable('topic_comments')
      .set({ topic_id: intoId })
      .where('topic_id', '=', id)
      .execute();
    const count = await trx
      .selectFrom('topic_comments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('topic_id', '=', intoId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('topics')
      .set({ comment_count: Number(count.n), updated_at: at })
      .where('id', '=', intoId)
      .execute();
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'topic.merged',
      details: { topicId: id, title: duplicate.title, into: intoId, intoTitle: target.title }
    });
  });
  return reload(db, groupId, intoId, actorId);
}

/**
 * Records what came of a topic after its meeting (audited): notes (markdown) and links replace
 * the previous ones. A scheduled topic becomes discussed; a discussed one may be edited again.
 */
export async function markDiscussed(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  input: { notes: string; links: TopicLink[] }
): Promise<Topic> {
  await changeTopic(
    db,
    groupId,
    id,
    ['scheduled', 'discussed'],
    'topicNotScheduled',
    async (trx, topic) => {
      await trx
        .updateTable('topics')
        .set({
          status: 'discussed',
          notes: input.notes,
          links: JSON.stringify(input.links.map((l) => ({ title: l.title, url: l.url }))),
          updated_at: new Date().toISOString()
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, {
        groupId,
        actorId,
        action: 'topic.discussed',
        details: { topicId: id, title: topic.title, edited: topic.status === 'discussed' }
      });
    }
  );
  return reload(db, groupId, id, actorId);
}
