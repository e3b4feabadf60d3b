// What every round and vote route shares: loading a round with the caller's standing, the round's
// wire shape, and the problems a refused vote maps onto.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can, type GroupAction, type Viewer } from '../../../domain/group-policy.ts';
import { findMeeting } from '../../../services/event.service.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import {
  acceptsVotes,
  findRound,
  VoteError,
  type VotingRound
} from '../../../services/voting/round.service.ts';
import { myVotes, tallyOf } from '../../../services/voting/vote.service.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem } from '../../problem.ts';
import { findPerson } from '../../../services/person.service.ts';

/** Field messages (`validation.*`) of the refusals that are about an input field. */
const FIELD_MESSAGE: Partial<Record<VoteError['problem'], string>> = {
  overBudget: 'overBudget',
  overTopicCap: 'overTopicCap',
  negative: 'voteNegative',
  eventInvalid: 'roundEventInvalid',
  closesAtPast: 'roundClosesAtPast',
  closesAtAfterStart: 'roundClosesAtAfterStart',
  topicsInvalid: 'roundTopicsInvalid'
};

/** Maps a refused voting action onto its problem response. */
export function voteProblem(error: unknown): never {
  if (error instanceof VoteError) {
    const message = FIELD_MESSAGE[error.problem];
    if (error.field && message) throw fieldProblem(error.field, message);
    if (error.problem === 'roundNotFound' || error.problem === 'topicNotFound') {
      throw new Problem('not-found');
    }
    if (error.problem === 'notMember') throw new Problem('forbidden');
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

export interface RoundAccess {
  round: VotingRound;
  group: Group;
  viewer: Viewer;
}

/**
 * Loads the round named in the URL, its group and the caller's standing, and checks `action`.
 * A round of a group the caller may not read is a 404 like one that does not exist; an action
 * they may not take is a 403 (401 when nobody is logged in).
 */
export async function requireRoundAccess(
  db: Db,
  request: FastifyRequest,
  id: string,
  action: GroupAction
): Promise<RoundAccess> {
  const round = await findRound(db, id);
  if (!round) throw new Problem('not-found');
  const group = await findGroupById(db, round.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (!can(viewer, group, 'group.read')) throw new Problem('not-found');
  if (!can(viewer, group, action)) throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
  return { round, group, viewer };
}

/** A round as the viewer sees it: the tally unless hidden while open, their own dots. */
export async function roundJson(db: Db, { round, group, viewer }: RoundAccess, now = new Date()) {
  const meeting = await findMeeting(db, round.eventId);
  if (!meeting) throw new Problem('not-found');
  const { voters, tally } = await tallyOf(db, round);
  const votes = can(viewer, group, 'topic.vote') && viewer.userId !== null;
  return jsonDates({
    id: round.id,
    event: {
      id: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt,
      endsAt: meeting.endsAt,
      timeZone: meeting.timeZone
    },
    status: round.status,
    opensAt: round.opensAt,
    closesAt: round.closesAt,
    rules: { ...round.rules, tally: round.tallyVisibility },
    tieRule: 'votesThenEarlierProposal' as const,
    tally,
    picked: round.picked,
    override: round.override
      ? {
          reason: round.override.reason,
          by: await findPerson(db, round.override.byId),
          at: round.override.at
        }
      : null,
    voters,
    closedAt: round.closedAt,
    my: votes && viewer.userId ? await myVotes(db, round, viewer.userId) : null,
    viewer: {
      canVote: votes && acceptsVotes(round, now),
      canManage: can(viewer, group, 'round.manage')
    }
  });
}
