import { hash, verify } from '@node-rs/argon2';
import { betterAuth } from 'better-auth';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { handleFromName } from '../domain/handle.ts';
import { isLocale, type Locale } from '../i18n/i18n.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage, type MailTemplate } from '../jobs/mail-message.ts';
import { uniqueHandle } from './handle.service.ts';

/** The better-auth instance: sessions, passwords, verification and reset tokens. */
export type Auth = ReturnType<typeof createAuth>;

export interface AuthDeps {
  config: Pick<Config, 'baseUrl' | 'secret'>;
  db: Db;
  queue: JobQueue;
  logger: Logger;
}

const SESSION_DAYS = 30;

/** Whether cookies are sent only over https (and so may carry the `__Host-` prefix). */
function secureCookies(baseUrl: string): boolean {
  return baseUrl.startsWith('https://');
}

/**
 * Sets up better-auth over Guildhall's own tables (snake_case, created by our migrations).
 * Passwords are hashed with argon2id; mails go through the job queue. better-auth's own HTTP
 * handler is not exposed: the `/api/v1/auth/*` routes call `auth.api.*` after validating input.
 */
export function createAuth({ config, db, queue, logger }: AuthDeps) {
  const mail = async (
    template: MailTemplate,
    to: string,
    locale: unknown,
    params: Record<string, string>
  ) => {
    const message: MailMessage = { template, to, locale: isLocale(locale) ? locale : 'en', params };
    await queue.enqueue(MAIL_QUEUE, message);
  };
  const link = (path: string, token: string) =>
    `${config.baseUrl}${path}?token=${encodeURIComponent(token)}`;

  return betterAuth({
    appName: 'Guildhall',
    baseURL: config.baseUrl,
    basePath: '/api/auth',
    secret: config.secret,
    trustedOrigins: [config.baseUrl],
    database: { db: db.kysely, type: db.dialect },
    logger: {
      log: (level, message) => {
        logger[level]({ component: 'auth' }, message);
      }
    },
    rateLimit: { enabled: false }, // Fastify's rate limiter guards the routes that call better-auth.
    user: {
      modelName: 'users',
      fields: { emailVerified: 'email_verified', createdAt: 'created_at', updatedAt: 'updated_at' },
      additionalFields: {
        handle: { type: 'string', required: false, input: false },
        language: { type: 'string', required: false, input: true, defaultValue: 'en' },
        timeZone: {
          type: 'string',
          required: false,
          input: true,
          defaultValue: 'UTC',
          fieldName: 'time_zone'
        },
        isAdmin: { type: 'boolean', required: false, input: false, fieldName: 'is_admin' }
      },
      changeEmail: { enabled: true }
    },
    session: {
      modelName: 'sessions',
      expiresIn: SESSION_DAYS * 24 * 3600,
      updateAge: 24 * 3600,
      fields: {
        expiresAt: 'expires_at',
        createdAt: 'created_at',
        updatedAt: 'updated_at',
        ipAddress: 'ip_address',
        userAgent: 'user_agent',
        userId: 'user_id'
      }
    },
    account: {
      modelName: 'accounts',
      fields: {
        accountId: 'account_id',
        providerId: 'provider_id',
        userId: 'user_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        createdAt: 'created_at',
        updatedAt: 'updated_at'
      }
    },
    verification: {
      modelName: 'verifications',
      fields: { expiresAt: 'expires_at', createdAt: 'created_at', updatedAt: 'updated_at' }
    },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      autoSignIn: false,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
      password: {
        hash: (password) => hash(password), // argon2id, the library's default algorithm
        verify: ({ hash: stored, password }) => verify(stored, password)
      },
      sendResetPassword: async ({ user, token }) => {
        await mail('reset-password', user.email, languageOf(user), {
          name: user.name,
          url: link('/reset-password', token)
        });
      },
      onExistingUserSignUp: async ({ user }) => {
        await mail('account-exists', user.email, languageOf(user), {
          name: user.name,
          url: `${config.baseUrl}/forgot-password`
        });
      },
      onPasswordReset: async ({ user }) => {
        await mail('password-changed', user.email, languageOf(user), { name: user.name });
      }
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true, // logging in before verifying mails a fresh link
      autoSignInAfterVerification: false,
      expiresIn: 24 * 3600,
      sendVerificationEmail: async ({ user, token }) => {
        // better-auth also calls this for an email change, with the new address as `user.email`.
        const stored = await db.kysely
          .selectFrom('users')
          .select('email')
          .where('id', '=', user.id)
          .executeTakeFirst();
        const changing = stored !== undefined && stored.email !== user.email;
        await mail(changing ? 'change-email' : 'verify-email', user.email, languageOf(user), {
          name: user.name,
          url: link('/verify-email', token),
          newEmail: user.email
        });
      }
    },
    advanced: {
      // Over https the session cookie is `__Host-guildhall.session_token`: Secure, Path=/ and no
      // Domain, so no other host or subdomain can set or overwrite it. better-auth's own secure
      // prefix would be the weaker `__Secure-`, hence the name here and `secure` set by hand.
      cookiePrefix: secureCookies(config.baseUrl) ? '__Host-guildhall' : 'guildhall',
      useSecureCookies: false,
      defaultCookieAttributes: secureCookies(config.baseUrl) ? { secure: true, path: '/' } : {},
      ipAddress: { ipAddressHeaders: ['x-guildhall-client-ip'] }
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user) => {
            const first =
              (await db.kysely.selectFrom('users').select('id').limit(1).execute()).length === 0;
            const handle = await uniqueHandle(db, handleFromName(user.name));
            return { data: { ...user, handle, isAdmin: first } };
          }
        }
      }
    }
  });
}

function languageOf(user: object): Locale {
  const language = (user as { language?: unknown }).language;
  return isLocale(language) ? language : 'en';
}
