import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { renderMarkdown } from '../../../domain/markdown.ts';
import type { Group } from '../../../services/group.service.ts';
import {
  archiveTopic,
  markDiscussed,
  mergeTopic,
  updateTopic,
  withdrawTopic
} from '../../../services/topic-lifecycle.service.ts';
import {
  listTopics,
  proposeTopic,
  type Topic,
  type TopicHistoryEntry,
  topicHistory,
  topicRights
} from '../../../services/topic.service.ts';
import { callerOf } from '../../caller.ts';
import { currentRound, publishRound } from '../../../services/voting/round.service.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { refuse, requireTopic, topicCommentRoutes, topicProblem } from './comments.routes.ts';
import {
  archiveTopicBody,
  createTopicBody,
  discussedTopicBody,
  encodeTopicCursor,
  mergeTopicBody,
  topicListQuery,
  topicListSchema,
  topicParams,
  topicSchema,
  updateTopicBody
} from './topics.schema.ts';

/** A topic with its group and the caller's standing in it. */
type TopicAccess = Awaited<ReturnType<typeof requireTopic>>;

/** The wire shape of a topic as `viewer` sees it (its group is in the URL). */
function topicJson(topic: Topic, viewer: Viewer, group: Group, history: TopicHistoryEntry[] = []) {
  const { groupId: _groupId, ...rest } = topic;
  return jsonDates({
    ...rest,
    descriptionHtml: renderMarkdown(topic.description),
    notesHtml: renderMarkdown(topic.notes),
    history,
    viewer: topicRights(viewer, group, topic).rights
  });
}

/**
 * A group's topic backlog (Community of Practice): everyone who may read the group reads it;
 * active members propose topics and edit or withdraw their own while open; organizers
 * (`topic.manage`) edit, archive and merge open topics and add notes once a topic was discussed.
 */
export const topicRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db } = ctx;
  const tags = ['topics'];
  /** Tells live tallies of the group's open round that its list of topics changed. */
  const refreshRound = async (groupId: string): Promise<void> => {
    const round = await currentRound(db, groupId);
    if (round) await publishRound(ctx.realtime, round.id);
  };
  const writeResponses = problemResponses(400, 401, 403, 404, 409);

  /**
   * The chain of every change to one topic: load it as the caller sees it, check `allowed`, run
   * `act`, answer with the topic `act` returns (a refused change maps onto its problem). Changes
   * that take votes back (`refresh`) tell live tallies of the open round.
   */
  const changeTopic = async (
    request: FastifyRequest,
    params: { slug: string; id: string },
    allowed: (access: TopicAccess) => boolean,
    act: (access: TopicAccess, actorId: string) => Promise<Topic>,
    options: { refresh?: boolean } = {}
  ) => {
    const access = await requireTopic(db, request, params.slug, params.id);
    if (!allowed(access)) refuse(access.viewer);
    try {
      const changed = await act(access, callerOf(request).userId);
      if (options.refresh) await refreshRound(access.group.id);
      return topicJson(changed, access.viewer, access.group);
    } catch (error) {
      topicProblem(error);
    }
  };
  const mayManage = ({ viewer, group }: TopicAccess) => can(viewer, group, 'topic.manage');

  app.get(
    '/groups/:slug/topics',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s topics',
        description:
          'By status (default open). Open topics come oldest proposal first, all others newest first. Readable by everyone who may read the group (404 to others).',
        params: slugParams,
        querystring: topicListQuery,
        response: { 200: topicListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const page = await listTopics(db, group.id, viewer.userId, request.query);
      return {
        items: page.items.map((topic) => topicJson(topic, viewer, group)),
        nextCursor: page.next ? encodeTopicCursor(page.next) : null
      };
    }
  );

  app.post(
    '/groups/:slug/topics',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Propose a topic (members)',
        params: slugParams,
        body: createTopicBody,
        response: { 201: topicSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'topic.propose'
      );
      const topic = await proposeTopic(db, group.id, callerOf(request).userId, request.body);
      await refreshRound(group.id);
      return reply.code(201).send(topicJson(topic, viewer, group));
    }
  );

  app.get(
    '/groups/:slug/topics/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One topic, with its history of closed voting rounds',
        params: topicParams,
        response: { 200: topicSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { slug, id } = request.params;
      const { group, viewer, topic } = await requireTopic(db, request, slug, id);
      return topicJson(topic, viewer, group, await topicHistory(db, topic.id));
    }
  );

  app.patch(
    '/groups/:slug/topics/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a topic (its proposer, or organizers)',
        description: 'Only while the topic is open (409 otherwise).',
        params: topicParams,
        body: updateTopicBody,
        response: { 200: topicSchema, ...writeResponses }
      }
    },
    async (request) =>
      changeTopic(
        request,
        request.params,
        ({ viewer, group, topic }) => topicRights(viewer, group, topic).mayEdit,
        ({ group, topic }, actorId) => updateTopic(db, group.id, topic.id, actorId, request.body)
      )
  );

  app.post(
    '/groups/:slug/topics/:id/withdraw',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Withdraw one’s own topic (its proposer)',
        description:
          'Only while the topic is open (409 otherwise); its votes in an open round are given back.',
        params: topicParams,
        response: { 200: topicSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request) =>
      changeTopic(
        request,
        request.params,
        ({ viewer, group, topic }) => topicRights(viewer, group, topic).mayWithdraw,
        ({ group, topic }, actorId) => withdrawTopic(db, group.id, topic.id, actorId),
        { refresh: true }
      )
  );

  app.post(
    '/groups/:slug/topics/:id/archive',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Archive an open topic (organizers)',
        description: 'Its votes in an open round are given back; audited with the reason.',
        params: topicParams,
        body: archiveTopicBody,
        response: { 200: topicSchema, ...writeResponses }
      }
    },
    async (request) =>
      changeTopic(
        request,
        request.params,
        mayManage,
        ({ group, topic }, actorId) =>
          archiveTopic(db, group.id, topic.id, actorId, request.body?.reason),
        { refresh: true }
      )
  );

  app.post(
    '/groups/:slug/topics/:id/merge',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Merge a duplicate into another open topic (organizers)',
        description:
          'The duplicate is archived with mergedInto; its comments move to the target, its votes in an open round are given back. Answers with the target. A target that is the topic itself, of another group or not open is a 400 on `into`.',
        params: topicParams,
        body: mergeTopicBody,
        response: { 200: topicSchema, ...writeResponses }
      }
    },
    async (request) =>
      changeTopic(
        request,
        request.params,
        mayManage,
        ({ group, topic }, actorId) =>
          mergeTopic(db, group.id, topic.id, request.body.into, actorId),
        { refresh: true }
      )
  );

  app.post(
    '/groups/:slug/topics/:id/discussed',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Record notes and links after the meeting (organizers)',
        description:
          'A scheduled topic becomes discussed; calling it again replaces the notes and links. Other statuses are a 409.',
        params: topicParams,
        body: discussedTopicBody,
        response: { 200: topicSchema, ...writeResponses }
      }
    },
    async (request) =>
      changeTopic(request, request.params, mayManage, ({ group, topic }, actorId) =>
        markDiscussed(db, group.id, topic.id, actorId, request.body)
      )
  );

  await app.register(topicCommentRoutes, ctx);
};
