import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isSuspended } from '../../../services/admin/user-admin.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { mayRegister } from '../../../services/settings.service.ts';
import { authErrorCode, forwardCookies, isAuthClientError } from '../../better-auth-call.ts';
import { authHeaders, clientIp } from '../../caller.ts';
import type { AppContext, Limit } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, fieldProblem, problemResponses } from '../../problem.ts';
import {
  acceptedResponse,
  emailBody,
  logInBody,
  logInResponse,
  resetPasswordBody,
  signUpBody,
  verifyEmailBody,
  verifyEmailResponse
} from './auth.schema.ts';

/** Sign-up, log-in, verification and password recovery: public, rate limited, no enumeration. */
export const authRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { auth, db, internalToken } = ctx;
  const rateLimit = (limit: Limit) => ({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request: Parameters<typeof clientIp>[0]) => clientIp(request, internalToken)
  });
  const tags = ['auth'];

  app.post(
    '/auth/sign-up',
    {
      config: { access: 'public', rateLimit: rateLimit(ctx.limits.signUp) },
      schema: {
        tags,
        summary: 'Create an account',
        description:
          'Sends a verification mail. Answers 202 the same way whether or not the address is registered; an existing account gets a mail instead. 403 when the instance takes no sign-ups (closed, or invitation-only and the address has no pending invitation).',
        body: signUpBody,
        response: { 202: acceptedResponse, ...problemResponses(400, 403, 429) }
      }
    },
    async (request, reply) => {
      const { email, password, displayName, language, timeZone } = request.body;
      const allowed = await mayRegister(db, email);
      if (!allowed.ok) throw new Problem('forbidden', { detail: allowed.reason });
      for (let attempt = 1; ; attempt++) {
        try {
          await auth.api.signUpEmail({
            body: {
              email,
              password,
              name: displayName,
              language: language ?? 'en',
              timeZone: timeZone ?? 'UTC'
            },
            headers: authHeaders(request, internalToken)
          });
          break;
        } catch (error) {
          // Sign-ups with the same name at once can pick the same free handle; all but one insert
          // then fail on the unique handle and write nothing. Asked again, each sees the handle
          // taken and picks the next (n at once need at most n tries; a same-address race finds
          // the account).
          if (attempt < 5 && authErrorCode(error) === 'FAILED_TO_CREATE_USER') continue;
          throw error;
        }
      }
      return reply.code(202).send({ status: 'verification-sent' });
    }
  );

  app.post(
    '/auth/log-in',
    {
      config: { access: 'public', rateLimit: rateLimit(ctx.limits.logIn) },
      schema: {
        tags,
        summary: 'Log in with email and password',
        description:
          'Sets the session cookie. Unknown address and wrong password answer alike (401).',
        body: logInBody,
        response: { 200: logInResponse, ...problemResponses(400, 401, 403, 429) }
      }
    },
    async (request, reply) => {
      try {
        const { headers, response } = await auth.api.signInEmail({
          body: {
            email: request.body.email,
            password: request.body.password,
            rememberMe: request.body.remember ?? true
          },
          headers: authHeaders(request, internalToken),
          returnHeaders: true
        });
        if (await isSuspended(db, response.user.id)) {
          // The password was right, but the account may not be used: end the session just made.
          await db.kysely.deleteFrom('sessions').where('user_id', '=', response.user.id).execute();
          throw new Problem('forbidden', { detail: 'accountSuspended' });
        }
        forwardCookies(reply, headers);
        const user = await getProfile(db, response.user.id);
        if (!user) throw new Problem('invalid-credentials');
        return { user: jsonDates(user) };
      } catch (error) {
        if (authErrorCode(error) === 'EMAIL_NOT_VERIFIED') throw new Problem('email-not-verified');
        if (isAuthClientError(error)) throw new Problem('invalid-credentials');
        throw error;
      }
    }
  );

  app.post(
    '/auth/log-out',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Log out (ends this session)', response: { 204: z.null() } }
    },
    async (request, reply) => {
      if (request.caller?.kind === 'session') {
        const { headers } = await auth.api.signOut({
          headers: authHeaders(request, internalToken),
          returnHeaders: true
        });
        forwardCookies(reply, headers);
      }
      return reply.code(204).send(null);
    }
  );

  app.post(
    '/auth/verify-email',
    {
      config: { access: 'public', rateLimit: rateLimit(ctx.limits.recovery) },
      schema: {
        tags,
        summary: 'Confirm an email address with the token from the mail',
        description: 'Also completes an email change when the token was sent to a new address.',
        body: verifyEmailBody,
        response: { 200: verifyEmailResponse, ...problemResponses(400, 429) }
      }
    },
    async (request) => {
      try {
        await auth.api.verifyEmail({
          query: { token: request.body.token },
          headers: authHeaders(request, internalToken)
        });
        return { verified: true, email: verifiedAddress(request.body.token) };
      } catch (error) {
        if (isAuthClientError(error)) throw fieldProblem('token', 'tokenInvalid');
        throw error;
      }
    }
  );

  const alwaysAccepted = (summary: string, description: string) => ({
    config: { access: 'public' as const, rateLimit: rateLimit(ctx.limits.recovery) },
    schema: {
      tags,
      summary,
      description,
      body: emailBody,
      response: { 202: acceptedResponse, ...problemResponses(400, 429) }
    }
  });

  app.post(
    '/auth/resend-verification',
    alwaysAccepted('Send the verification mail again', 'Answers 202 for any address.'),
    async (request, reply) => {
      try {
        await auth.api.sendVerificationEmail({ body: { email: request.body.email } });
      } catch (error) {
        if (!isAuthClientError(error)) throw error; // unknown or already verified: same answer
      }
      return reply.code(202).send({ status: 'accepted' });
    }
  );

  app.post(
    '/auth/forgot-password',
    alwaysAccepted('Mail a password reset link', 'Answers 202 for any address.'),
    async (request, reply) => {
      try {
        await auth.api.requestPasswordReset({ body: { email: request.body.email } });
      } catch (error) {
        if (!isAuthClientError(error)) throw error;
      }
      return reply.code(202).send({ status: 'accepted' });
    }
  );

  app.post(
    '/auth/reset-password',
    {
      config: { access: 'public', rateLimit: rateLimit(ctx.limits.recovery) },
      schema: {
        tags,
        summary: 'Set a new password with the token from the reset mail',
        description: 'Ends all sessions of the account.',
        body: resetPasswordBody,
        response: { 204: z.null(), ...problemResponses(400, 429) }
      }
    },
    async (request, reply) => {
      try {
        await auth.api.resetPassword({
          body: { token: request.body.token, newPassword: request.body.password }
        });
      } catch (error) {
        if (isAuthClientError(error)) throw fieldProblem('token', 'tokenInvalid');
        throw error;
      }
      return reply.code(204).send(null);
    }
  );
};

/** The address a verification token (a JWT better-auth has just accepted) confirmed. */
function verifiedAddress(token: string): string {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()
    );
    const { email, updateTo } = payload as { email?: unknown; updateTo?: unknown };
    if (typeof updateTo === 'string') return updateTo;
    return typeof email === 'string' ? email : '';
  } catch {
    return '';
  }
}
