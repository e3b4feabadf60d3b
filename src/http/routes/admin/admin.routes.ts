import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isLocale } from '../../../i18n/i18n.ts';
import { MAIL_QUEUE, type MailMessage } from '../../../jobs/mail-message.ts';
import {
  listUsers,
  restoreUser,
  setAdmin,
  suspendUser,
  UserAdminError
} from '../../../services/admin/user-admin.service.ts';
import { auditEntries, recordAudit } from '../../../services/audit.service.ts';
import {
  AccountDeletionError,
  deleteAccount
} from '../../../services/privacy/account-deletion.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { getSettings, updateSettings } from '../../../services/settings.service.ts';
import { callerOf } from '../../caller.ts';
import { auditSchema } from '../groups/groups.schema.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { adminOnly, adminPage } from './admin-access.ts';

const settingsSchema = z
  .object({
    groupCreation: z.enum(['anyone', 'admins']),
    registration: z.enum(['open', 'invitation', 'closed']).meta({
      description:
        'Who may sign up: anyone, only addresses with a pending group invitation, or nobody'
    })
  })
  .meta({ id: 'InstanceSettings' });

const adminUserSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    handle: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    isAdmin: z.boolean(),
    suspendedAt: z.string().nullable(),
    createdAt: z.string(),
    ownedGroups: z.number().int()
  })
  .meta({ id: 'AdminUser' });

const auditEntrySchema = auditSchema
  .extend({ group: z.object({ slug: z.string(), name: z.string() }).nullable() })
  .meta({ id: 'InstanceAuditEntry' });

const userParams = z.object({ id: z.string().min(1).max(100) });

/** Instance administration (admins only; others get 404, anonymous callers 401). */
export const adminRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, queue }) => {
  const tags = ['admin'];
  app.addHook('preHandler', adminOnly(db));

  /** Maps a refused admin action on an account to its problem. */
  const userProblem = (error: unknown): never => {
    if (error instanceof UserAdminError) {
      if (error.code === 'notFound') throw new Problem('not-found');
      throw new Problem('conflict', { detail: error.code === 'self' ? 'adminSelf' : 'lastAdmin' });
    }
    if (error instanceof AccountDeletionError) {
      if (error.code === 'notFound') throw new Problem('not-found');
      if (error.code === 'lastAdmin') throw new Problem('conflict', { detail: 'lastAdmin' });
      throw new Problem('conflict', {
        detail: 'userOwnsGroups',
        params: { groups: error.groups.map((g) => g.name).join(', ') }
      });
    }
    throw error;
  };

  app.get(
    '/admin/settings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Instance settings',
        response: { 200: settingsSchema, ...problemResponses(401, 404) }
      }
    },
    async () => getSettings(db)
  );

  app.patch(
    '/admin/settings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change instance settings',
        body: settingsSchema.partial().strict(),
        response: { 200: settingsSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const settings = await updateSettings(db, request.body);
      await recordAudit(db.kysely, {
        groupId: null,
        actorId: callerOf(request).userId,
        action: 'instance.settings',
        details: request.body
      });
      return settings;
    }
  );

  app.post(
    '/admin/test-mail',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Send a test mail to yourself',
        description: 'Queued like every mail; it arrives when the mail settings work.',
        response: { 202: z.object({ to: z.string() }), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const me = await getProfile(db, callerOf(request).userId);
      if (!me) throw new Problem('unauthorized');
      const message: MailMessage = {
        template: 'test-mail',
        to: me.email,
        locale: isLocale(me.language) ? me.language : 'en',
        params: { name: me.displayName }
      };
      await queue.enqueue(MAIL_QUEUE, message);
      return reply.code(202).send({ to: me.email });
    }
  );

  app.get(
    '/admin/users',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Accounts, newest first',
        description: '`q` matches name, handle or email; `suspended=true` lists suspended ones.',
        querystring: z.strictObject({
          q: z.string().max(200).optional(),
          suspended: z.enum(['true', 'false']).optional(),
          ...adminPage
        }),
        response: {
          200: z.object({ items: z.array(adminUserSchema), nextOffset: z.number().nullable() }),
          ...problemResponses(400, 401, 404)
        }
      }
    },
    async (request) => {
      const { q, suspended, offset, limit } = request.query;
      const result = await listUsers(db, {
        ...(q === undefined ? {} : { q }),
        suspended: suspended === 'true',
        offset,
        limit
      });
      return { items: jsonDates(result.items), nextOffset: result.nextOffset };
    }
  );

  app.post(
    '/admin/users/:id/suspend',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Suspend an account',
        description:
          'It can no longer log in; its sessions and API tokens end at once. Not your own (409).',
        params: userParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      await suspendUser(db, callerOf(request).userId, request.params.id).catch(userProblem);
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/admin/users/:id/restore',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Lift a suspension',
        params: userParams,
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      await restoreUser(db, callerOf(request).userId, request.params.id).catch(userProblem);
      return reply.code(204).send(null);
    }
  );

  app.put(
    '/admin/users/:id/admin',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Make an account an instance admin, or take that away',
        description: 'The last admin stays one (409).',
        params: userParams,
        body: z.strictObject({ isAdmin: z.boolean() }),
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      await setAdmin(db, callerOf(request).userId, request.params.id, request.body.isAdmin).catch(
        userProblem
      );
      return reply.code(204).send(null);
    }
  );

  app.delete(
    '/admin/users/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Delete an account',
        description:
          'As when people delete their own: they leave every group and meeting, and their content is kept without their name or removed, as `content` says. Refused (409) while the account owns a group: hand it over first. Not your own: use DELETE /me.',
        params: userParams,
        body: z.strictObject({ content: z.enum(['anonymize', 'remove']) }),
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const actorId = callerOf(request).userId;
      if (actorId === request.params.id) throw new Problem('conflict', { detail: 'adminSelf' });
      await deleteAccount(db, queue, request.params.id, request.body.content, { actorId }).catch(
        userProblem
      );
      return reply.code(204).send(null);
    }
  );

  app.get(
    '/admin/audit',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The audit log of every group and of the instance, newest first',
        querystring: z.strictObject(adminPage),
        response: {
          200: z.object({ items: z.array(auditEntrySchema), nextOffset: z.number().nullable() }),
          ...problemResponses(400, 401, 404)
        }
      }
    },
    async (request) => {
      const result = await auditEntries(db, request.query);
      return { items: jsonDates(result.items), nextOffset: result.nextOffset };
    }
  );
};
