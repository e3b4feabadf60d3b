// Closing a voting round (at its deadline or by hand) and overriding its pick: the top K topics go
// on the meeting's agenda, members are told, the chat hears of it.

import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { DEFAULT_TOPIC_MINUTES } from '../../domain/agenda.ts';
import { closeRound } from '../../domain/voting.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import type { Realtime } from '../../jobs/realtime.ts';
import { nudgeActivities, recordActivity } from '../activity/activity.service.ts';
import { recordAudit } from '../audit.service.ts';
import { groupRef, meetingRef } from '../activity/activity-refs.ts';
import { CHAT_WEBHOOK_QUEUE, type ChatWebhookJob } from '../chat/chat-webhook.service.ts';
import { appendAgendaItem, compactAgenda } from '../agenda.service.ts';
import { lockMeeting } from '../event.service.ts';
import { MEETING_MAIL_QUEUE, type MeetingMailJob } from '../meeting-mail-jobs.ts';
import {
  type VotingRound,
  VoteError,
  publishRound,
  findRound,
  lockRound,
  roundCandidates
} from './round.service.ts';

/** What closing and overriding need besides the database. */
export interface RoundDeps {
  queue: JobQueue;
  realtime: Realtime;
}

/**
 * Puts `topics` on the meeting's agenda as topic items of `roundId`, in the given (rank) order,
 * where talks and topics go (`appendAgendaItem`). A topic already on the agenda is not added
 * twice. The caller holds the meeting's row lock, as every agenda writer does.
 */
async function placeTopics(
  trx: Kysely<Database>,
  eventId: string,
  roundId: string,
  topics: readonly { id: string; title: string }[],
  now: Date
): Promise<void> {
  const onAgenda = await trx
    .selectFrom('agenda_items')
    .select('topic_id')
    .where('event_id', '=', eventId)
    .where('topic_id', 'is not', null)
    .execute();
  const present = new Set(onAgenda.map((row) => row.topic_id));
  for (const topic of topics) {
    if (present.has(topic.id)) continue;
    await appendAgendaItem(
      trx,
      eventId,
      {
        kind: 'topic',
        title: topic.title,
        durationMinutes: DEFAULT_TOPIC_MINUTES,
        topicId: topic.id,
        roundId
      },
      now
    );
  }
}

async function topicTitles(
  trx: Kysely<Database>,
  ids: readonly string[]
): Promise<{ id: string; title: string }[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('topics')
    .select(['id', 'title'])
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
}

/**
 * Closes a round now (the sweep when it is due, or an organizer), in one write transaction under
 * the round's lock: tallies the ballots over the group's open topics plus any topic with votes,
 * picks the top K (`closeRound`), puts the picks on the meeting's agenda and schedules them for
 * it. A cancelled meeting gets no picks. Closing a closed round changes nothing
 * (`closedNow: false`). After the commit, when topics were picked: the agenda mail (meeting-mail
 * job `agenda`) and the chat post (`chat-webhook` job `{ roundId }`) are enqueued; watchers hear
 * of the close either way.
 */
export async function closeVotingRound(
  db: Db,
  deps: RoundDeps,
  roundId: string,
  options: { actorId: string | null; now?: Date }
): Promise<{ round: VotingRound; closedNow: boolean }> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const closedNow = await writeTransaction(db, async (trx) => {
    const round = await lockRound(trx, db, roundId);
    if (!round) throw new VoteError('roundNotFound');
    if (round.status === 'closed') return false;
    const meeting = await lockMeeting(trx, db, round.eventId);
    const { candidates, ballots } = await roundCandidates(trx, round, true);
    const k = meeting && meeting.status !== 'cancelled' ? round.rules.agendaTopics : 0;
    const outcome = closeRound(candidates, ballots, k);
    await trx
      .updateTable('voting_rounds')
      .set({ status: 'closed', picked: JSON.stringify(outcome.picked), closed_at: at })
      .where('id', '=', round.id)
      .execute();
    if (outcome.picked.length > 0) {
      await placeTopics(trx, round.eventId, round.id, await topicTitles(trx, outcome.picked), now);
      await trx
        .updateTable('topics')
        .set({ status: 'scheduled', event_id: round.eventId, updated_at: at })
        .where('id', 'in', outcome.picked)
        .execute();
    }
    await recordAudit(trx, {
      groupId: round.groupId,
      actorId: options.actorId,
      action: 'round.closed',
      details: {
        roundId: round.id,
        eventId: round.eventId,
        picked: outcome.picked,
        votes: Object.fromEntries(outcome.ranking.map((r) => [r.id, r.votes]))
      }
    });
    const group = await groupRef(trx, round.groupId);
    await recordActivity(trx, {
      kind: 'round.closed',
      groupId: round.groupId,
      actorId: options.actorId,
      subjectType: 'voting_round',
      subjectId: round.id,
      payload: {
        group,
        roundId: round.id,
        meeting: meeting ? meetingRef(meeting, group.slug) : null,
        picked: await topicTitles(trx, outcome.picked)
      }
    });
    return true;
  });
  if (closedNow) nudgeActivities(deps.queue);
  const round = await findRound(db, roundId);
  if (!round) throw new VoteError('roundNotFound');
  if (closedNow) {
    if (round.picked.length > 0) {
      const job: MeetingMailJob = { kind: 'agenda', eventId: round.eventId };
      await deps.queue.enqueue(MEETING_MAIL_QUEUE, job);
      // The chat post is a job of its own: a slow or failing chat server never holds up the
      // close, and the queue retries it (postAgendaToChat runs in the job).
      const post: ChatWebhookJob = { roundId: round.id };
      await deps.queue.enqueue(CHAT_WEBHOOK_QUEUE, post);
    }
    await publishRound(deps.realtime, round.id);
  }
  return { round, closedNow };
}

/**
 * Replaces a closed round's pick by hand: the agenda items this round put on the meeting give way
 * to the new topics (in the given order), topics no longer picked go back to the backlog (open),
 * the new ones are scheduled for the meeting. The reason, who and when are kept on the round and
 * in the audit log. Topics must be of the group and open, or already scheduled for this meeting
 * (`topicsInvalid`); the round must be closed (`roundNotClosed`).
 */
export async function overrideRound(
  db: Db,
  deps: Pick<RoundDeps, 'realtime'>,
  input: { roundId: string; topicIds: readonly string[]; reason: string; actorId: string },
  now = new Date()
): Promise<VotingRound> {
  const at = now.toISOString();
  const topicIds = [...new Set(input.topicIds)];
  await writeTransaction(db, async (trx) => {
    const round = await lockRound(trx, db, input.roundId);
    if (!round) throw new VoteError('roundNotFound');
    if (round.status !== 'closed') throw new VoteError('roundNotClosed');
    await lockMeeting(trx, db, round.eventId);
    const topics = await trx
      .selectFrom('topics')
      .select(['id', 'title', 'status', 'event_id'])
      .where('group_id', '=', round.groupId)
      .where('id', 'in', [...topicIds, ''])
      .execute();
    const usable = new Set(
      topics
        .filter(
          (t) =>
            t.status === 'open' ||
            (t.status === 'scheduled' && t.event_id === round.eventId) ||
            round.picked.includes(t.id)
        )
        .map((t) => t.id)
    );
    if (topicIds.length === 0 || topicIds.some((id) => !usable.has(id))) {
      throw new VoteError('topicsInvalid');
    }
    await trx
      .deleteFrom('agenda_items')
      .where('event_id', '=', round.eventId)
      .where('round_id', '=', round.id)
      .execute();
    await compactAgenda(trx, round.eventId);
    const dropped = round.picked.filter((id) => !topicIds.includes(id));
    if (dropped.length > 0) {
      await trx
        .updateTable('topics')
        .set({ status: 'open', event_id: null, updated_at: at })
        .where('id', 'in', dropped)
        .where('status', '=', 'scheduled')
        .where('event_id', '=', round.eventId)
        .execute();
    }
    await placeTopics(trx, round.eventId, round.id, await topicTitles(trx, topicIds), now);
    await trx
      .updateTable('topics')
      .set({ status: 'scheduled', event_id: round.eventId, updated_at: at })
      .where('id', 'in', topicIds)
      .execute();
    await trx
      .updateTable('voting_rounds')
      .set({
        picked: JSON.stringify(topicIds),
        override_reason: input.reason,
        overridden_by: input.actorId,
        overridden_at: at
      })
      .where('id', '=', round.id)
      .execute();
    await recordAudit(trx, {
      groupId: round.groupId,
      actorId: input.actorId,
      action: 'round.overridden',
      details: {
        roundId: round.id,
        eventId: round.eventId,
        before: round.picked,
        after: topicIds,
        reason: input.reason
      }
    });
  });
  await publishRound(deps.realtime, input.roundId);
  const round = await findRound(db, input.roundId);
  if (!round) throw new VoteError('roundNotFound');
  return round;
}
