// What every poll route shares: loading a poll with the caller's standing, the poll's wire shape,
// and the problems a refused poll action maps onto.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { findMeeting } from '../../../services/event.service.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import { findPerson } from '../../../services/person.service.ts';
import {
  findPoll,
  PollError,
  type PollJson,
  type PollViewer,
  type PollWithOptions,
  presentPoll
} from '../../../services/poll/poll.service.ts';
import { roomAccessOf } from '../../../services/room/room-access.ts';
import { fieldProblem, Problem } from '../../problem.ts';

/** Maps a refused poll action onto its problem response. */
export function pollProblem(error: unknown): never {
  if (error instanceof PollError) {
    if (error.problem === 'pollNotFound') throw new Problem('not-found');
    if (error.field) throw fieldProblem(error.field, error.problem);
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

/** What a poll route needs: `read` it, `answer` it, or `manage` it (`poll.manage`). */
export type PollNeed = 'read' | 'answer' | 'manage';

export interface PollAccess {
  poll: PollWithOptions;
  group: Group;
  viewer: Viewer;
  pollViewer: PollViewer;
}

/**
 * Whether `viewer` may answer polls like `poll`: group polls need `poll.answer` (active members);
 * meeting polls those who may take part in the meeting's room (going, checked in, or hosts).
 */
export async function mayAnswer(
  db: Db,
  poll: Pick<PollWithOptions, 'eventId'>,
  group: Group,
  viewer: Viewer
): Promise<boolean> {
  if (viewer.userId === null || !can(viewer, group, 'poll.answer')) return false;
  if (poll.eventId === null) return true;
  return (await roomAccessOf(db, { id: poll.eventId }, group, viewer)).canJoin;
}

/** The caller's standing towards polls of `group` (and, for a meeting poll, its room). */
export async function pollViewerOf(
  db: Db,
  poll: Pick<PollWithOptions, 'eventId'>,
  group: Group,
  viewer: Viewer
): Promise<PollViewer> {
  return {
    userId: viewer.userId,
    canManage: can(viewer, group, 'poll.manage'),
    mayAnswer: await mayAnswer(db, poll, group, viewer)
  };
}

/**
 * Loads the poll named in the URL, its group and the caller's standing, and checks `need`. A poll
 * of a group the caller may not read is a 404 like one that does not exist, and so is a draft to
 * those who do not manage polls; an action they may not take is a 403 (401 for nobody).
 */
export async function requirePollAccess(
  db: Db,
  request: FastifyRequest,
  id: string,
  need: PollNeed
): Promise<PollAccess> {
  const poll = await findPoll(db, id);
  if (!poll) throw new Problem('not-found');
  const group = await findGroupById(db, poll.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (!can(viewer, group, 'group.read')) throw new Problem('not-found');
  if (poll.eventId !== null && !can(viewer, group, 'event.create')) {
    // A meeting poll is as visible as its meeting: a draft meeting's polls are its hosts'.
    const meeting = await findMeeting(db, poll.eventId);
    if (meeting?.status !== 'published' && meeting?.status !== 'cancelled') {
      throw new Problem('not-found');
    }
  }
  const pollViewer = await pollViewerOf(db, poll, group, viewer);
  if (poll.status === 'draft' && !pollViewer.canManage) throw new Problem('not-found');
  const allowed =
    need === 'read' ||
    (need === 'manage' && pollViewer.canManage) ||
    (need === 'answer' && pollViewer.mayAnswer);
  if (!allowed) throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
  return { poll, group, viewer, pollViewer };
}

/** A poll as the caller sees it (see `presentPoll`). */
export async function pollJson(
  db: Db,
  poll: PollWithOptions,
  pollViewer: PollViewer,
  now = new Date()
): Promise<PollJson> {
  return presentPoll(
    db,
    poll,
    pollViewer,
    { createdBy: await findPerson(db, poll.createdBy) },
    now
  );
}
