import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decodeCreatedCursor, encodeCreatedCursor } from '../../../services/created-cursor.ts';
import { DEFAULT_CHANNELS } from '../../../services/notification/notification-kinds.ts';
import {
  getPreferences,
  listNotifications,
  markAllRead,
  markRead,
  setPreferences,
  unreadCount
} from '../../../services/notification/notification.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, fieldProblem, problemResponses } from '../../problem.ts';
import {
  notificationIdParams,
  notificationListQuery,
  notificationPage,
  preferencesBody,
  preferencesSchema,
  readAllSchema,
  unreadCountSchema
} from './notifications.schema.ts';

const PAGE_SIZE = 30;

/**
 * A member's notifications and their preferences. Everything is the caller's own: another
 * person's notification is 404, as if it did not exist.
 */
export const notificationRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db } = ctx;
  const tags = ['notifications'];

  app.get(
    '/me/notifications',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Your notifications',
        description:
          'Newest first, every notification whatever its delivery (in the app, by mail, in a digest). `unread=true` lists only unread ones.',
        querystring: notificationListQuery,
        response: { 200: notificationPage, ...problemResponses(400, 401) }
      }
    },
    async (request) => {
      const { cursor: given, limit, unread } = request.query;
      const cursor = given === undefined ? null : decodeCreatedCursor(given);
      if (given !== undefined && cursor === null) throw fieldProblem('cursor', 'invalid');
      const page = await listNotifications(db, callerOf(request).userId, {
        cursor,
        limit: limit ?? PAGE_SIZE,
        unreadOnly: unread === 'true'
      });
      return {
        items: jsonDates(page.items),
        nextCursor: page.next ? encodeCreatedCursor(page.next) : null
      };
    }
  );

  app.get(
    '/me/notifications/unread-count',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'How many notifications you have not read',
        response: { 200: unreadCountSchema, ...problemResponses(401) }
      }
    },
    async (request) => ({ unread: await unreadCount(db, callerOf(request).userId) })
  );

  app.post(
    '/me/notifications/:id/read',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Mark one notification read',
        params: notificationIdParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const found = await markRead(db, callerOf(request).userId, request.params.id);
      if (!found) throw new Problem('not-found');
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/me/notifications/read-all',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Mark all your notifications read',
        response: { 200: readAllSchema, ...problemResponses(401, 403) }
      }
    },
    async (request) => ({ marked: await markAllRead(db, callerOf(request).userId) })
  );

  app.get(
    '/me/notification-preferences',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'How you hear about each kind of notification',
        response: { 200: preferencesSchema, ...problemResponses(401) }
      }
    },
    async (request) => getPreferences(db, callerOf(request).userId)
  );

  app.put(
    '/me/notification-preferences',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change how you hear about kinds of notification',
        description:
          'Send the kinds to change, each with a channel: in_app, email (at once), daily or weekly (digest), off. ' +
          'moderation (warnings) cannot be changed: it is always in the app and by mail.',
        body: preferencesBody,
        response: { 200: preferencesSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (request) => {
      const { moderation, ...changes } = request.body;
      if (moderation !== undefined && moderation !== DEFAULT_CHANNELS.moderation) {
        throw fieldProblem('moderation', 'notifications.moderationFixed');
      }
      return setPreferences(db, callerOf(request).userId, changes);
    }
  );
};
