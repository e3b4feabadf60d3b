import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPassword } from '../../../domain/password-policy.ts';
import { MAIL_QUEUE, type MailMessage } from '../../../jobs/mail-message.ts';
import { commonPasswords } from '../../../services/common-passwords.ts';
import { HandleTakenError, getProfile, updateProfile } from '../../../services/profile.service.ts';
import { authErrorCode, forwardCookies, isAuthClientError } from '../../better-auth-call.ts';
import { authHeaders, callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, fieldProblem, problemResponses } from '../../problem.ts';
import { emailSchema, newPasswordSchema } from '../auth/auth.schema.ts';
import { meSchema, updateMeBody } from './me.schema.ts';

const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1000),
  newPassword: newPasswordSchema,
  revokeOtherSessions: z.boolean().optional()
});

const changeEmailBody = z.strictObject({ newEmail: emailSchema });

/** The signed-in user's profile, password and email. */
export const meRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, auth, internalToken, queue } = ctx;
  const tags = ['me'];

  const load = async (userId: string) => {
    const profile = await getProfile(db, userId);
    if (!profile) throw new Problem('unauthorized');
    return profile;
  };

  app.get(
    '/me',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Your profile',
        response: { 200: meSchema, ...problemResponses(401) }
      }
    },
    async (request) => jsonDates(await load(callerOf(request).userId))
  );

  app.patch(
    '/me',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change your profile',
        description:
          'Send only the fields to change. Tags are normalized (lower case, dashes) and deduplicated.',
        body: updateMeBody,
        response: { 200: meSchema, ...problemResponses(400, 401, 403) }
      }
    },
    async (request) => {
      const userId = callerOf(request).userId;
      try {
        const profile = await updateProfile(db, userId, request.body);
        if (!profile) throw new Problem('unauthorized');
        return jsonDates(profile);
      } catch (error) {
        if (error instanceof HandleTakenError) throw fieldProblem('handle', 'handleTaken');
        throw error;
      }
    }
  );

  app.post(
    '/me/password',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Change your password',
        description:
          'Needs the current password. Every other session ends, unless revokeOtherSessions is false.',
        body: changePasswordBody,
        response: { 204: z.null(), ...problemResponses(400, 401, 403) }
      }
    },
    async (request, reply) => {
      const me = await load(callerOf(request).userId);
      if (checkPassword(request.body.newPassword, { common: commonPasswords(), email: me.email })) {
        throw fieldProblem('newPassword', 'passwordContainsEmail');
      }
      try {
        const { headers } = await auth.api.changePassword({
          body: {
            currentPassword: request.body.currentPassword,
            newPassword: request.body.newPassword,
            revokeOtherSessions: request.body.revokeOtherSessions ?? true
          },
          headers: authHeaders(request, internalToken),
          returnHeaders: true
        });
        forwardCookies(reply, headers);
      } catch (error) {
        if (authErrorCode(error) === 'INVALID_PASSWORD' || isAuthClientError(error)) {
          throw fieldProblem('currentPassword', 'currentPasswordWrong');
        }
        throw error;
      }
      const message: MailMessage = {
        template: 'password-changed',
        to: me.email,
        locale: me.language,
        params: { name: me.displayName }
      };
      await queue.enqueue(MAIL_QUEUE, message);
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/me/email',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Change your email address',
        description:
          'Mails a confirmation link to the new address; the address changes when it is opened.',
        body: changeEmailBody,
        response: { 202: z.object({ status: z.string() }), ...problemResponses(400, 401, 403) }
      }
    },
    async (request, reply) => {
      const me = await load(callerOf(request).userId);
      if (me.email.toLowerCase() === request.body.newEmail.toLowerCase()) {
        throw fieldProblem('newEmail', 'sameEmail');
      }
      await auth.api.changeEmail({
        body: { newEmail: request.body.newEmail },
        headers: authHeaders(request, internalToken)
      });
      return reply.code(202).send({ status: 'confirmation-sent' });
    }
  );
};
