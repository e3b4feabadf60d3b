import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccountDeletionError,
  deleteAccount,
  deletionBlockers
} from '../../../services/privacy/account-deletion.service.ts';
import { exportPersonalData } from '../../../services/privacy/data-export.service.ts';
import { authErrorCode, forwardCookies, isAuthClientError } from '../../better-auth-call.ts';
import { authHeaders, callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, fieldProblem, problemResponses } from '../../problem.ts';

const blockersSchema = z
  .object({
    ownedGroups: z.array(z.object({ slug: z.string(), name: z.string() })),
    lastAdmin: z.boolean()
  })
  .meta({ id: 'AccountDeletionBlockers' });

const deleteAccountBody = z.strictObject({
  password: z.string().min(1).max(1000),
  content: z.enum(['anonymize', 'remove']).meta({
    description:
      '`anonymize` keeps your posts, comments, questions and topics without your name; `remove` takes them out.'
  })
});

const exportSchema = z
  .object({
    format: z.literal('guildhall-data-export'),
    version: z.literal(1),
    exportedAt: z.string(),
    sections: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
    groups: z.array(z.record(z.string(), z.unknown())),
    meetings: z.array(z.record(z.string(), z.unknown()))
  })
  .meta({ id: 'DataExport' });

/** A person's own data: download all of it, and delete the account. Browser sessions only. */
export const privacyRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, auth, internalToken, queue } = ctx;
  const tags = ['me'];

  app.get(
    '/me/export',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Download all your data',
        description:
          'Everything Guildhall keeps about you, as one JSON file: your account, sessions, tokens (without secrets), memberships, answers, votes, posts, comments, questions, feedback and notifications.',
        response: { 200: exportSchema, ...problemResponses(401, 403) }
      }
    },
    async (request, reply) => {
      const data = await exportPersonalData(db, callerOf(request).userId);
      if (!data) throw new Problem('unauthorized');
      const day = data.exportedAt.slice(0, 10);
      return reply
        .header('content-disposition', `attachment; filename="guildhall-data-${day}.json"`)
        .send(data);
    }
  );

  app.get(
    '/me/deletion',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'What stands in the way of deleting your account',
        description: 'Groups you own must be handed over first; the only admin cannot leave.',
        response: { 200: blockersSchema, ...problemResponses(401, 403) }
      }
    },
    async (request) => deletionBlockers(db.kysely, callerOf(request).userId)
  );

  app.delete(
    '/me',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Delete your account',
        description:
          'Needs your password. You leave every group and meeting (your seats go to the waitlist), every session and API token ends, and your content is kept without your name or removed, as `content` says. Feedback you gave is always removed. Refused with 409 while you own a group or are the only admin.',
        body: deleteAccountBody,
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 409) }
      }
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const blockers = await deletionBlockers(db.kysely, userId);
      if (blockers.ownedGroups.length > 0) throw ownsGroups(blockers.ownedGroups);
      if (blockers.lastAdmin) throw new Problem('conflict', { detail: 'lastAdmin' });
      const headers = authHeaders(request, internalToken);
      try {
        await auth.api.verifyPassword({ body: { password: request.body.password }, headers });
      } catch (error) {
        if (authErrorCode(error) === 'INVALID_PASSWORD' || isAuthClientError(error)) {
          throw fieldProblem('password', 'passwordWrong');
        }
        throw error;
      }
      const signedOut = await auth.api.signOut({ headers, returnHeaders: true });
      try {
        await deleteAccount(db, queue, userId, request.body.content);
      } catch (error) {
        if (error instanceof AccountDeletionError && error.code === 'ownsGroups') {
          throw ownsGroups(error.groups);
        }
        if (error instanceof AccountDeletionError && error.code === 'lastAdmin') {
          throw new Problem('conflict', { detail: 'lastAdmin' });
        }
        throw error;
      }
      forwardCookies(reply, signedOut.headers);
      return reply.code(204).send(null);
    }
  );
};

function ownsGroups(groups: { name: string }[]): Problem {
  return new Problem('conflict', {
    detail: 'ownsGroups',
    params: { groups: groups.map((g) => g.name).join(', ') }
  });
}
