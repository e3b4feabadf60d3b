import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findGroupBySlug, type Group } from '../../../services/group.service.ts';
import { type ChatVoting, runChatCommand } from '../../../services/chat/chat-command.service.ts';
import {
  ChatLinkError,
  consumeChatLinkToken,
  describeChatLinkToken
} from '../../../services/chat/chat-link.service.ts';
import { verifySlackSignature } from '../../../services/chat/slack-signature.ts';
import { currentRound, stepVote } from '../../../services/voting/vote.service.ts';
import { callerOf, clientIp } from '../../caller.ts';
import type { AppContext, Limit } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import {
  chatCommandBody,
  chatCommandHeaders,
  chatLinkSchema,
  chatReplySchema,
  groupSlugParams,
  linkTokenParams
} from './chat.schema.ts';

/** Slash commands come from the chat provider's servers, all groups' users through few IPs. */
export const CHAT_COMMAND_LIMIT: Limit = { max: 600, windowMs: 60_000 };

/** Slash-command forms are small (a dozen short fields). */
const FORM_LIMIT = 16 * 1024;

/**
 * Chat (Slack-compatible) routes:
 *
 * - `POST /chat/:groupSlug/commands`: the slash command of the group's chat app. Public, and
 *   authenticated by the request signature instead: the HMAC of the raw body with the group's
 *   signing secret, checked before the body is validated. Chat servers send no Origin or
 *   Sec-Fetch-Site and no cookies, so the CSRF check of caller.ts lets them through as it does
 *   one-click unsubscribe requests.
 * - `GET /chat/links/:token` (public) and `POST /chat/links/:token` (session): the one-time link
 *   an unlinked chat user gets, read by the web page `/chat/link` and confirmed there.
 */
export const chatRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, config, realtime, internalToken } = ctx;
  const tags = ['chat'];
  const voting: ChatVoting = {
    currentRound: (groupId) => currentRound(db, groupId),
    stepVote: (input) => stepVote(db, realtime, input)
  };

  // The signature covers the raw body, so the form parser of this encapsulated scope keeps it.
  const commands: FastifyPluginAsyncZod = async (scope) => {
    const rawBodies = new WeakMap<FastifyRequest, string>();
    const verified = new WeakMap<FastifyRequest, Group>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (request, body, done) => {
        const raw = String(body);
        rawBodies.set(request, raw);
        done(null, Object.fromEntries(new URLSearchParams(raw)));
      }
    );

    scope.post(
      '/chat/:groupSlug/commands',
      {
        config: {
          access: 'public',
          rateLimit: {
            max: CHAT_COMMAND_LIMIT.max,
            timeWindow: CHAT_COMMAND_LIMIT.windowMs,
            keyGenerator: (request: FastifyRequest) => clientIp(request, internalToken)
          }
        },
        schema: {
          tags,
          summary: 'Run a slash command from the group’s chat',
          description:
            'A Slack-compatible slash command: `topics` lists the open voting round’s topics, numbered by proposal time; ' +
            '`vote <n>` and `unvote <n>` add or take back one vote on topic n; `help`. The request must be signed with ' +
            'the group’s chat signing secret (X-Slack-Signature, X-Slack-Request-Timestamp within 5 minutes), else 401; ' +
            'a group without a signing secret is a 404. A chat user whose account is not linked yet gets a one-time link. ' +
            'Replies are ephemeral, in the linked account’s language.',
          security: [],
          consumes: ['application/x-www-form-urlencoded'],
          params: groupSlugParams,
          headers: chatCommandHeaders,
          body: chatCommandBody,
          response: { 200: chatReplySchema, ...problemResponses(400, 401, 404, 413, 415, 429) }
        },
        // Before the body is validated: an unsigned request learns nothing about its fields.
        preValidation: async (request) => {
          const group = await findGroupBySlug(db, request.params.groupSlug);
          const secret = group?.chat.signingSecret;
          if (!group || !secret) throw new Problem('not-found', { detail: 'chatCommands' });
          const header = (name: string) => {
            const value = request.headers[name];
            return typeof value === 'string' ? value : undefined;
          };
          const signature = header('x-slack-signature');
          const timestamp = header('x-slack-request-timestamp');
          if (!signature || !timestamp) {
            throw new Problem('unauthorized', { detail: 'chatSignature' });
          }
          const rawBody = rawBodies.get(request);
          if (rawBody === undefined) {
            throw new Problem('unsupported-media-type', { detail: 'chatCommands' });
          }
          const check = verifySlackSignature(secret, { signature, timestamp, rawBody });
          if (check !== 'valid') {
            request.log.info({ check, group: group.slug }, 'chat command refused');
            throw new Problem('unauthorized', { detail: 'chatSignature' });
          }
          verified.set(request, group);
        }
      },
      async (request) => {
        const group = verified.get(request);
        if (!group) throw new Problem('unauthorized', { detail: 'chatSignature' });
        return runChatCommand(
          { db, voting, baseUrl: config.baseUrl },
          {
            group,
            teamId: request.body.team_id,
            chatUserId: request.body.user_id,
            text: request.body.text,
            command: request.body.command
          }
        );
      }
    );
  };
  await app.register(commands);

  app.get(
    '/chat/links/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What a one-time chat link would link',
        description:
          'The group and chat account of a link a chat user got from a slash command; 404 when the link is unknown, used or expired (after 30 minutes).',
        security: [],
        params: linkTokenParams,
        response: { 200: chatLinkSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const info = await describeChatLinkToken(db, request.params.token);
      if (!info) throw new Problem('not-found', { detail: 'chatLink' });
      const { group, teamId, chatUserId, expiresAt } = info;
      return jsonDates({
        group: { slug: group.slug, name: group.name },
        teamId,
        chatUserId,
        expiresAt
      });
    }
  );

  app.post(
    '/chat/links/:token',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Link a chat account to yours',
        description:
          'Uses the one-time link up: slash commands of that chat account then act as you in the group (replacing an earlier link of the chat account). ' +
          'Works once; 404 when the link is unknown, used or expired. Linking does not make you a member: only active members vote.',
        params: linkTokenParams,
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      try {
        await consumeChatLinkToken(db, request.params.token, callerOf(request).userId);
      } catch (error) {
        if (error instanceof ChatLinkError) throw new Problem('not-found', { detail: 'chatLink' });
        throw error;
      }
      return reply.code(204).send(null);
    }
  );
};
