import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { renderMarkdown } from '../../../domain/markdown.ts';
import type { Group } from '../../../services/group.service.ts';
import {
  createSpeaker,
  getSpeaker,
  listSpeakers,
  type Speaker,
  updateSpeaker
} from '../../../services/speaker.service.ts';
import { talksOfSpeaker } from '../../../services/talk.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { talkJson } from './talks.routes.ts';
import {
  createSpeakerBody,
  speakerDetailSchema,
  speakerListSchema,
  speakerParams,
  speakerSchema,
  updateSpeakerBody
} from './talks.schema.ts';

/** The fields a member may change on their own speaker entry. */
const OWN_FIELDS: readonly string[] = ['bio', 'company'];

/** Whether the caller is the member a speaker entry belongs to (and still an active member). */
function isSelf(speaker: Speaker, viewer: Viewer, group: Group): boolean {
  return (
    viewer.userId !== null &&
    speaker.member?.id === viewer.userId &&
    can(viewer, group, 'talk.propose')
  );
}

/**
 * The wire shape of a speaker. The private contact is there only for those who manage speakers,
 * and absent (not null) for everyone else.
 */
function speakerJson(speaker: Speaker, viewer: Viewer, group: Group) {
  const base = {
    id: speaker.id,
    name: speaker.name,
    bio: speaker.bio,
    bioHtml: renderMarkdown(speaker.bio),
    company: speaker.company,
    member: speaker.member,
    invited: speaker.invited,
    talkCount: speaker.talkCount
  };
  return can(viewer, group, 'speaker.manage') ? { ...base, contact: speaker.contact } : base;
}

/**
 * A group's speakers: members who give talks and invited guests. Those with an accepted talk are
 * public to everyone who may read the group; organizers add invited speakers and see them all.
 */
export const speakerRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['speakers'];

  app.get(
    '/groups/:slug/speakers',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s speakers',
        description:
          'By name: those with at least one accepted talk; organizers see every speaker, with the private contact.',
        params: slugParams,
        response: { 200: speakerListSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const items = await listSpeakers(db, group.id, {
        all: can(viewer, group, 'speaker.manage')
      });
      return { items: items.map((s) => speakerJson(s, viewer, group)) };
    }
  );

  app.post(
    '/groups/:slug/speakers',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Add an invited speaker (organizers)',
        description: 'A guest without an account here; the contact stays private to organizers.',
        params: slugParams,
        body: createSpeakerBody,
        response: { 201: speakerSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'speaker.manage'
      );
      const speaker = await createSpeaker(db, group.id, callerOf(request).userId, request.body);
      return reply.code(201).send(speakerJson(speaker, viewer, group));
    }
  );

  /** Loads a speaker the caller may see: one with an accepted talk, themself, or all for organizers. */
  async function requireSpeaker(
    request: Parameters<typeof requireGroupAccess>[1],
    slug: string,
    id: string
  ) {
    const { group, viewer } = await requireGroupAccess(db, request, slug, 'group.read');
    const speaker = await getSpeaker(db, group.id, id);
    const visible =
      speaker !== undefined &&
      (speaker.talkCount > 0 ||
        can(viewer, group, 'speaker.manage') ||
        isSelf(speaker, viewer, group));
    if (!visible) throw new Problem('not-found');
    return { group, viewer, speaker };
  }

  app.get(
    '/groups/:slug/speakers/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One speaker, with the talks they gave',
        description:
          'Accepted talks, newest meeting first. A speaker without an accepted talk is a 404 to all but organizers and themself.',
        params: speakerParams,
        response: { 200: speakerDetailSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group, viewer, speaker } = await requireSpeaker(
        request,
        request.params.slug,
        request.params.id
      );
      const talks = await talksOfSpeaker(db, group.id, speaker.id);
      return {
        ...speakerJson(speaker, viewer, group),
        talks: talks.map((talk) => talkJson(talk, viewer, group))
      };
    }
  );

  app.patch(
    '/groups/:slug/speakers/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a speaker (organizers, or the member themself)',
        description:
          'Organizers change every field; a member changes bio and company of their own entry (403 for other fields).',
        params: speakerParams,
        body: updateSpeakerBody,
        response: { 200: speakerSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group, viewer, speaker } = await requireSpeaker(
        request,
        request.params.slug,
        request.params.id
      );
      const manager = can(viewer, group, 'speaker.manage');
      if (!manager) {
        const own = isSelf(speaker, viewer, group);
        const fields = Object.keys(request.body);
        if (!own || fields.some((f) => !OWN_FIELDS.includes(f))) {
          throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
        }
      }
      const after = await updateSpeaker(
        db,
        group.id,
        speaker.id,
        callerOf(request).userId,
        request.body,
        { audited: manager && !isSelf(speaker, viewer, group) }
      );
      if (!after) throw new Problem('not-found');
      return speakerJson(after, viewer, group);
    }
  );
};
