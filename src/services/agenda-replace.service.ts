// Replacing a meeting's whole agenda in one go, with every item checked against the meeting
// and its group.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { recordAudit } from './audit.service.ts';
import { lockMeeting } from './event.service.ts';
import { type Agenda, type AgendaItemInput, AgendaError, agendaOf } from './agenda.service.ts';

/** Finds the first duplicate in `values` (ignoring nulls), as its index. */
function firstRepeat(values: readonly (string | null | undefined)[]): number {
  const seen = new Set<string>();
  for (const [index, value] of values.entries()) {
    if (value === null || value === undefined) continue;
    if (seen.has(value)) return index;
    seen.add(value);
  }
  return -1;
}

/** Checks an agenda's items against the meeting, its group and each other; throws the first fault. */
async function checkItems(
  trx: Kysely<Database>,
  groupId: string,
  eventId: string,
  items: readonly AgendaItemInput[]
): Promise<void> {
  const existing = new Set(
    (
      await trx.selectFrom('agenda_items').select('id').where('event_id', '=', eventId).execute()
    ).map((r) => r.id)
  );
  const talkIds = items.flatMap((i) => (i.talkId ? [i.talkId] : []));
  const topicIds = items.flatMap((i) => (i.topicId ? [i.topicId] : []));
  const moderatorIds = items.flatMap((i) => (i.moderatorId ? [i.moderatorId] : []));
  const talks = new Set(
    talkIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('talks')
            .select('id')
            .where('id', 'in', talkIds)
            .where('group_id', '=', groupId)
            .where('status', '=', 'accepted')
            .where('event_id', '=', eventId)
            .execute()
        ).map((r) => r.id)
  );
  const topics = new Set(
    topicIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('topics')
            .select('id')
            .where('id', 'in', topicIds)
            .where('group_id', '=', groupId)
            .execute()
        ).map((r) => r.id)
  );
  const moderators = new Set(
    moderatorIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('memberships')
            .select('user_id')
            .where('group_id', '=', groupId)
            .where('user_id', 'in', moderatorIds)
            .where('status', '=', 'active')
            .execute()
        ).map((r) => r.user_id)
  );
  const repeatedId = firstRepeat(items.map((i) => i.id));
  const repeatedTalk = firstRepeat(items.map((i) => (i.kind === 'talk' ? i.talkId : null)));
  const repeatedTopic = firstRepeat(items.map((i) => (i.kind === 'topic' ? i.topicId : null)));
  for (const [index, item] of items.entries()) {
    const at = (field: string) => `items.${index}.${field}`;
    if (item.id !== undefined && !existing.has(item.id)) {
      throw new AgendaError('agendaItemUnknown', at('id'));
    }
    if (index === repeatedId) throw new AgendaError('agendaItemTwice', at('id'));
    if (item.kind === 'talk') {
      if (!item.talkId) throw new AgendaError('required', at('talkId'));
      if (!talks.has(item.talkId)) throw new AgendaError('agendaTalkNotAccepted', at('talkId'));
      if (index === repeatedTalk) throw new AgendaError('agendaTalkTwice', at('talkId'));
    } else if (item.talkId) {
      throw new AgendaError('agendaTalkOnlyOnTalks', at('talkId'));
    }
    if (item.kind === 'topic') {
      if (!item.topicId) throw new AgendaError('required', at('topicId'));
      if (!topics.has(item.topicId)) throw new AgendaError('agendaTopicUnknown', at('topicId'));
      if (index === repeatedTopic) throw new AgendaError('agendaTopicTwice', at('topicId'));
    } else if (item.topicId) {
      throw new AgendaError('agendaTopicOnlyOnTopics', at('topicId'));
    }
    if (item.moderatorId && !moderators.has(item.moderatorId)) {
      throw new AgendaError('agendaModeratorUnknown', at('moderatorId'));
    }
  }
}

/**
 * Replaces a meeting's agenda with `items`, in their order: items given with an `id` are kept
 * (and changed), those left out are removed, the others are added. The meeting's row is locked,
 * so two editors never interleave; a cancelled meeting's agenda is read-only. Audited.
 */
export async function replaceAgenda(
  db: Db,
  groupId: string,
  eventId: string,
  actorId: string,
  items: readonly AgendaItemInput[],
  now = new Date()
): Promise<Agenda> {
  await writeTransaction(db, async (trx) => {
    const meeting = await lockMeeting(trx, db, eventId);
    if (!meeting || meeting.groupId !== groupId) throw new AgendaError('notFound');
    if (meeting.status === 'cancelled') throw new AgendaError('agendaReadOnly');
    await checkItems(trx, groupId, eventId, items);
    const before = await trx
      .selectFrom('agenda_items')
      .select(['id', 'topic_id', 'round_id'])
      .where('event_id', '=', eventId)
      .execute();
    const kept = new Set(items.flatMap((i) => (i.id ? [i.id] : [])));
    const removed = before.filter((r) => !kept.has(r.id)).map((r) => r.id);
    if (removed.length > 0) {
      await trx.deleteFrom('agenda_items').where('id', 'in', removed).execute();
    }
    const at = now.toISOString();
    for (const [position, item] of items.entries()) {
      const fields = {
        position,
        kind: item.kind,
        title: item.title,
        duration_minutes: item.durationMinutes,
        talk_id: item.kind === 'talk' ? (item.talkId ?? null) : null,
        topic_id: item.kind === 'topic' ? (item.topicId ?? null) : null,
        moderator_id: item.moderatorId ?? null,
        updated_at: at
      };
      const old = item.id ? before.find((r) => r.id === item.id) : undefined;
      if (old) {
        // A topic a round put here keeps its round while it stays the same topic.
        const roundId =
          old.topic_id !== null && old.topic_id === fields.topic_id ? old.round_id : null;
        await trx
          .updateTable('agenda_items')
          .set({ ...fields, round_id: roundId })
          .where('id', '=', old.id)
          .execute();
      } else {
        await trx
          .insertInto('agenda_items')
          .values({
            id: randomUUID(),
            event_id: eventId,
            ...fields,
            round_id: null,
            created_at: at
          })
          .execute();
      }
    }
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'agenda.updated',
      details: { eventId, items: items.length, removed: removed.length }
    });
  });
  return agendaOf(db, eventId);
}
