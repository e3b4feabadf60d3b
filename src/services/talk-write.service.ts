// Writing talks: proposing, changing, accepting into a meeting (onto its agenda), declining,
// keeping for later and withdrawing — each in one write transaction with the talk locked.
import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, TalksTable } from '../db/schema.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { placeTalkOnAgenda, removeTalkFromAgendas } from './agenda.service.ts';
import { recordAudit } from './audit.service.ts';
import { lockMeeting } from './event.service.ts';
import { ensureMemberSpeaker, findInvitedSpeaker } from './speaker.service.ts';
import {
  type Talk,
  type TalkInput,
  type TalkChanges,
  TalkError,
  getTalk,
  isSubmitter,
  isGiven,
  submitterMayEdit,
  mayWithdraw
} from './talk.service.ts';

function columns(changes: TalkChanges): Updateable<TalksTable> {
  const set: Updateable<TalksTable> = {};
  if (changes.title !== undefined) set.title = changes.title.trim();
  if (changes.abstract !== undefined) set.abstract = changes.abstract;
  if (changes.durationMinutes !== undefined) set.duration_minutes = changes.durationMinutes;
  if (changes.level !== undefined) set.level = changes.level;
  if (changes.slidesUrl !== undefined) set.slides_url = changes.slidesUrl;
  if (changes.recordingUrl !== undefined) set.recording_url = changes.recordingUrl;
  return set;
}

/**
 * Checks that `eventId` is a published meeting of the group a talk may be accepted into, and locks
 * it (on PostgreSQL) so its agenda does not change under us.
 */
async function acceptingMeeting(
  trx: Kysely<Database>,
  db: Db,
  groupId: string,
  eventId: string
): Promise<void> {
  const event = await lockMeeting(trx, db, eventId);
  if (!event || event.groupId !== groupId || event.status === 'draft') {
    throw new TalkError('talkMeetingUnknown', 'eventId');
  }
  if (event.status === 'cancelled') throw new TalkError('talkMeetingCancelled', 'eventId');
}

async function lockTalk(trx: Kysely<Database>, db: Db, groupId: string, id: string): Promise<Talk> {
  if (db.dialect === 'postgres') {
    await trx.selectFrom('talks').select('id').where('id', '=', id).forUpdate().execute();
  }
  const talk = await getTalk(trx, groupId, id);
  if (!talk) throw new TalkError('notFound');
  return talk;
}

async function accept(
  trx: Kysely<Database>,
  talk: { id: string; title: string; durationMinutes: number },
  actorId: string,
  eventId: string,
  now: Date
): Promise<void> {
  const at = now.toISOString();
  await trx
    .updateTable('talks')
    .set({
      status: 'accepted',
      event_id: eventId,
      decision_note: null,
      decided_by: actorId,
      decided_at: at,
      updated_at: at
    })
    .where('id', '=', talk.id)
    .execute();
  await placeTalkOnAgenda(trx, talk, eventId, now);
}

/**
 * Submits a talk. A member proposes for themself (their speaker row is created on first use from
 * their profile); an organizer may name an invited speaker of the group (`speakerId`) and accept
 * it into a meeting at once (`eventId`: then audited, and put on that meeting's agenda).
 */
export async function createTalk(
  db: Db,
  groupId: string,
  actorId: string,
  input: TalkInput & { speakerId?: string | undefined; eventId?: string | undefined },
  now = new Date()
): Promise<Talk> {
  const id = randomUUID();
  const at = now.toISOString();
  await writeTransaction(db, async (trx) => {
    let speakerId: string;
    if (input.speakerId !== undefined) {
      const invited = await findInvitedSpeaker(trx, groupId, input.speakerId);
      if (!invited) throw new TalkError('speakerUnknown', 'speakerId');
      speakerId = invited.id;
    } else {
      speakerId = await ensureMemberSpeaker(trx, groupId, actorId, now);
    }
    if (input.eventId !== undefined) await acceptingMeeting(trx, db, groupId, input.eventId);
    const talk = {
      id,
      title: input.title.trim(),
      durationMinutes: input.durationMinutes
    };
    await trx
      .insertInto('talks')
      .values({
        id,
        group_id: groupId,
        speaker_id: speakerId,
        submitted_by: actorId,
        title: talk.title,
        abstract: input.abstract ?? '',
        duration_minutes: input.durationMinutes,
        level: input.level,
        status: 'proposed',
        event_id: null,
        decision_note: null,
        decided_by: null,
        decided_at: null,
        slides_url: null,
        recording_url: null,
        created_at: at,
        updated_at: at
      })
      .execute();
    if (input.speakerId !== undefined) {
      await recordAudit(trx, {
        groupId,
        actorId,
        action: 'talk.added',
        details: { talkId: id, speakerId, title: talk.title }
      });
    }
    if (input.eventId !== undefined) {
      await accept(trx, talk, actorId, input.eventId, now);
      await recordAudit(trx, {
        groupId,
        actorId,
        action: 'talk.accepted',
        details: { talkId: id, eventId: input.eventId, title: talk.title }
      });
    }
  });
  const created = await getTalk(db, groupId, id);
  if (!created) throw new Error('talk vanished after creation');
  return created;
}

/**
 * Changes a talk. `as: 'submitter'` may change what it is about only while it is proposed or kept
 * for later (409 `talkLocked` after), and its links anytime; `as: 'decider'` changes anything.
 */
export async function updateTalk(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  changes: TalkChanges,
  as: 'submitter' | 'decider',
  now = new Date()
): Promise<Talk> {
  await writeTransaction(db, async (trx) => {
    const talk = await lockTalk(trx, db, groupId, id);
    const content = (['title', 'abstract', 'durationMinutes', 'level'] as const).some(
      (key) => changes[key] !== undefined
    );
    if (as === 'submitter' && content && !submitterMayEdit(talk)) {
      throw new TalkError('talkLocked');
    }
    await trx
      .updateTable('talks')
      .set({ ...columns(changes), updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    if (as === 'decider' && !isSubmitter(talk, actorId)) {
      await recordAudit(trx, {
        groupId,
        actorId,
        action: 'talk.updated',
        details: { talkId: id, fields: Object.keys(changes) }
      });
    }
  });
  const after = await getTalk(db, groupId, id);
  if (!after) throw new TalkError('notFound');
  return after;
}

/**
 * Accepts a talk into a published meeting of the group and puts it on that meeting's agenda
 * (after the last talk or topic, before a trailing break or networking block). A talk accepted
 * into another meeting moves, its agenda item with it. Audited.
 */
export async function acceptTalk(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  eventId: string,
  now = new Date()
): Promise<Talk> {
  await writeTransaction(db, async (trx) => {
    const talk = await lockTalk(trx, db, groupId, id);
    if (talk.status === 'withdrawn') throw new TalkError('talkWithdrawn');
    if (isGiven(talk, now) && talk.event?.id !== eventId) throw new TalkError('talkGiven');
    await acceptingMeeting(trx, db, groupId, eventId);
    await accept(trx, talk, actorId, eventId, now);
    await recordAudit(trx, {
      groupId,
      actorId,
      action: 'talk.accepted',
      details: {
        talkId: id,
        eventId,
        title: talk.title,
        ...(talk.status === 'accepted' && talk.event && talk.event.id !== eventId
          ? { movedFrom: talk.event.id }
          : {})
      }
    });
  });
  const after = await getTalk(db, groupId, id);
  if (!after) throw new TalkError('notFound');
  return after;
}

/**
 * Declines a talk, or keeps it for later, with an optional note to the submitter. An accepted
 * talk leaves its meeting and agenda (unless it was given already). Audited.
 */
export async function decideTalk(
  db: Db,
  groupId: string,
  id: string,
  actorId: string,
  decision: 'declined' | 'later',
  note: string | null,
  now = new Date()
): Promise<Talk> {
  await writeTransaction(db, async (trx) => {
    const talk = await lockTalk(trx, db, groupId, id);
    if (talk.status === 'withdrawn') throw new TalkError('talkWithdrawn');
    if (isGiven(talk, now)) throw new TalkError('talkGiven');
    const at = now.toISOString();
    await trx
      .updateTable('talks')
      .set({
        status: decision,
        event_id: null,
        decision_note: note,
        decided_by: actorId,
        decided_at: at,
        updated_at: at
      })
      .where('id', '=', id)
      .execute();
    await removeTalkFromAgendas(trx, id);
    await recordAudit(trx, {
      groupId,
      actorId,
      action: decision === 'declined' ? 'talk.declined' : 'talk.later',
      details: { talkId: id, title: talk.title, ...(talk.event ? { eventId: talk.event.id } : {}) }
    });
  });
  const after = await getTalk(db, groupId, id);
  if (!after) throw new TalkError('notFound');
  return after;
}

/**
 * Withdraws a talk (its submitter): proposed, kept for later or accepted and not yet given; an
 * accepted talk leaves its meeting's agenda.
 */
export async function withdrawTalk(
  db: Db,
  groupId: string,
  id: string,
  now = new Date()
): Promise<Talk> {
  await writeTransaction(db, async (trx) => {
    const talk = await lockTalk(trx, db, groupId, id);
    if (!mayWithdraw(talk, now)) {
      throw new TalkError(isGiven(talk, now) ? 'talkGiven' : 'talkNotWithdrawable');
    }
    await trx
      .updateTable('talks')
      .set({ status: 'withdrawn', event_id: null, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await removeTalkFromAgendas(trx, id);
  });
  const after = await getTalk(db, groupId, id);
  if (!after) throw new TalkError('notFound');
  return after;
}
