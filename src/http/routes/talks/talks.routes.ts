import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../../db/database.ts';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { renderMarkdown } from '../../../domain/markdown.ts';
import { AgendaError } from '../../../services/agenda.service.ts';
import type { Group } from '../../../services/group.service.ts';
import {
  getTalk,
  isGiven,
  isSubmitter,
  listTalks,
  mayWithdraw,
  submitterMayEdit,
  type Talk,
  type TalkCursor,
  TalkError
} from '../../../services/talk.service.ts';
import {
  acceptTalk,
  createTalk,
  decideTalk,
  updateTalk,
  withdrawTalk
} from '../../../services/talk-write.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  acceptTalkBody,
  createTalkBody,
  decideTalkBody,
  talkListQuery,
  talkListSchema,
  talkParams,
  talkSchema,
  updateTalkBody
} from './talks.schema.ts';

/** Who the caller is to a talk: one who decides, its submitter (an active member), or neither. */
function standing(talk: Talk, viewer: Viewer, group: Group) {
  const decider = can(viewer, group, 'talk.decide');
  const submitter = isSubmitter(talk, viewer.userId) && can(viewer, group, 'talk.propose');
  return { decider, submitter };
}

/** Whether the caller may see a talk: accepted ones everyone who reads the group, others less. */
export function talkVisible(talk: Talk, viewer: Viewer, group: Group): boolean {
  const { decider, submitter } = standing(talk, viewer, group);
  return talk.status === 'accepted' || decider || submitter;
}

/** The wire shape of a talk for one viewer: the decision note only for its submitter and deciders. */
export function talkJson(talk: Talk, viewer: Viewer, group: Group) {
  const { decider, submitter } = standing(talk, viewer, group);
  return jsonDates({
    id: talk.id,
    title: talk.title,
    abstract: talk.abstract,
    abstractHtml: renderMarkdown(talk.abstract),
    durationMinutes: talk.durationMinutes,
    level: talk.level,
    status: talk.status,
    speaker: { id: talk.speaker.id, name: talk.speaker.name, company: talk.speaker.company },
    event: talk.event
      ? {
          id: talk.event.id,
          title: talk.event.title,
          startsAt: talk.event.startsAt,
          timeZone: talk.event.timeZone
        }
      : null,
    slidesUrl: talk.slidesUrl,
    recordingUrl: talk.recordingUrl,
    decisionNote: decider || isSubmitter(talk, viewer.userId) ? talk.decisionNote : null,
    submittedBy: talk.submittedBy,
    createdAt: talk.createdAt,
    updatedAt: talk.updatedAt,
    viewer: {
      canEdit: decider || (submitter && submitterMayEdit(talk)),
      canDecide: decider && talk.status !== 'withdrawn' && !isGiven(talk),
      canWithdraw: submitter && mayWithdraw(talk)
    }
  });
}

/** Maps a refused talk, speaker or agenda change onto its problem response. */
export function talkProblem(error: unknown): never {
  if (error instanceof TalkError || error instanceof AgendaError) {
    if (error.problem === 'notFound') throw new Problem('not-found');
    if (error.field) throw fieldProblem(error.field, error.problem);
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

function encodeCursor(cursor: TalkCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.toISOString(), id: cursor.id })).toString(
    'base64url'
  );
}

/** Reads a cursor back; anything that is not one of ours is a 400 on `cursor`. */
function decodeCursor(text: string): TalkCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as {
      c?: unknown;
      id?: unknown;
    };
    if (typeof value.c === 'string' && typeof value.id === 'string') {
      const createdAt = new Date(value.c);
      if (!Number.isNaN(createdAt.getTime())) return { createdAt, id: value.id };
    }
  } catch {
    // fall through
  }
  throw fieldProblem('cursor', 'invalid');
}

/**
 * Loads a talk the caller may see (404 otherwise, like one that does not exist), with its group
 * and the caller's standing.
 */
async function requireTalk(
  db: Db,
  request: FastifyRequest,
  slug: string,
  id: string
): Promise<{ group: Group; viewer: Viewer; talk: Talk }> {
  const { group, viewer } = await requireGroupAccess(db, request, slug, 'group.read');
  const talk = await getTalk(db, group.id, id);
  if (!talk || !talkVisible(talk, viewer, group)) throw new Problem('not-found');
  return { group, viewer, talk };
}

/** Refuses the caller (403; 401 when nobody is logged in). */
function refuse(viewer: Viewer): never {
  throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
}

/**
 * A group's call for talks: members propose talks, organizers accept them into a meeting (the
 * talk lands on its agenda), decline them or keep them for later. Accepted talks are public to
 * everyone who may read the group; proposals only to their submitter and those who decide.
 */
export const talkRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['talks'];

  app.get(
    '/groups/:slug/talks',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s talks and proposals',
        description:
          'Newest first. Organizers see every proposal; members accepted talks plus their own; others accepted talks only. 404 to those who may not read the group.',
        params: slugParams,
        querystring: talkListQuery,
        response: { 200: talkListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const { status, limit, cursor } = request.query;
      const all = can(viewer, group, 'talk.decide');
      const ownerId = can(viewer, group, 'talk.propose') ? viewer.userId : null;
      const page = await listTalks(db, group.id, {
        scope: all ? { all: true } : { all: false, ownerId },
        status,
        limit,
        cursor: cursor ? decodeCursor(cursor) : undefined
      });
      return {
        items: page.items.map((talk) => talkJson(talk, viewer, group)),
        nextCursor: page.next ? encodeCursor(page.next) : null
      };
    }
  );

  app.post(
    '/groups/:slug/talks',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Propose a talk (members)',
        description:
          'Your speaker entry is created on first use from your profile. Organizers may name an invited speaker (speakerId) and accept it at once into a meeting (eventId).',
        params: slugParams,
        body: createTalkBody,
        response: { 201: talkSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { speakerId, eventId } = request.body;
      // For an invited speaker, organizers act for the group (instance admins too); a talk of
      // one's own needs a membership. Accepting at once is a decision.
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        speakerId !== undefined ? 'talk.decide' : 'talk.propose'
      );
      if (eventId !== undefined && !can(viewer, group, 'talk.decide')) refuse(viewer);
      const talk = await createTalk(db, group.id, callerOf(request).userId, request.body).catch(
        talkProblem
      );
      return reply.code(201).send(talkJson(talk, viewer, group));
    }
  );

  app.get(
    '/groups/:slug/talks/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One talk',
        description:
          'A proposal not yet accepted is a 404 to all but its submitter and organizers.',
        params: talkParams,
        response: { 200: talkSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group, viewer, talk } = await requireTalk(
        db,
        request,
        request.params.slug,
        request.params.id
      );
      return talkJson(talk, viewer, group);
    }
  );

  app.patch(
    '/groups/:slug/talks/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a talk (its submitter or organizers)',
        description:
          'The submitter changes title, abstract, duration and level while it is proposed or kept for later (409 after), slides and recording links anytime; organizers change anything.',
        params: talkParams,
        body: updateTalkBody,
        response: { 200: talkSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { group, viewer, talk } = await requireTalk(
        db,
        request,
        request.params.slug,
        request.params.id
      );
      const { decider, submitter } = standing(talk, viewer, group);
      if (!decider && !submitter) refuse(viewer);
      const after = await updateTalk(
        db,
        group.id,
        talk.id,
        callerOf(request).userId,
        request.body,
        decider ? 'decider' : 'submitter'
      ).catch(talkProblem);
      return talkJson(after, viewer, group);
    }
  );

  /** Loads a talk for a decision: organizers only. */
  async function requireDecider(request: FastifyRequest, slug: string, id: string) {
    const access = await requireTalk(db, request, slug, id);
    if (!can(access.viewer, access.group, 'talk.decide')) refuse(access.viewer);
    return access;
  }

  app.post(
    '/groups/:slug/talks/:id/accept',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Accept a talk into a meeting (organizers)',
        description:
          'Puts it on the meeting’s agenda after the last talk or topic, before a trailing break or networking block. A talk accepted into another meeting moves, its agenda item with it.',
        params: talkParams,
        body: acceptTalkBody,
        response: { 200: talkSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { group, viewer, talk } = await requireDecider(
        request,
        request.params.slug,
        request.params.id
      );
      const after = await acceptTalk(
        db,
        group.id,
        talk.id,
        callerOf(request).userId,
        request.body.eventId
      ).catch(talkProblem);
      return talkJson(after, viewer, group);
    }
  );

  for (const [path, decision, summary] of [
    ['decline', 'declined', 'Decline a talk (organizers)'],
    ['later', 'later', 'Keep a talk for later (organizers)']
  ] as const) {
    app.post(
      `/groups/:slug/talks/:id/${path}`,
      {
        config: { access: 'user' },
        schema: {
          tags,
          summary,
          description:
            'With an optional note, shown to the submitter only. An accepted talk leaves its meeting and agenda.',
          params: talkParams,
          body: decideTalkBody.optional(),
          response: { 200: talkSchema, ...problemResponses(400, 401, 403, 404, 409) }
        }
      },
      async (request) => {
        const { group, viewer, talk } = await requireDecider(
          request,
          request.params.slug,
          request.params.id
        );
        const note = request.body?.note;
        const after = await decideTalk(
          db,
          group.id,
          talk.id,
          callerOf(request).userId,
          decision,
          note ? note : null
        ).catch(talkProblem);
        return talkJson(after, viewer, group);
      }
    );
  }

  app.post(
    '/groups/:slug/talks/:id/withdraw',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Withdraw your talk',
        description:
          'While it is proposed, kept for later, or accepted and not yet given; it leaves the agenda.',
        params: talkParams,
        response: { 200: talkSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { group, viewer, talk } = await requireTalk(
        db,
        request,
        request.params.slug,
        request.params.id
      );
      if (!standing(talk, viewer, group).submitter) refuse(viewer);
      const after = await withdrawTalk(db, group.id, talk.id).catch(talkProblem);
      return talkJson(after, viewer, group);
    }
  );
};
