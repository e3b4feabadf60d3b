import { z } from 'zod';
import { checkPassword } from '../../../domain/password-policy.ts';
import { isTimeZone } from '../../../domain/places.ts';
import { LOCALES } from '../../../i18n/i18n.ts';
import { commonPasswords } from '../../../services/common-passwords.ts';
import { meSchema } from '../me/me.schema.ts';

const PASSWORD_MESSAGES = {
  tooShort: 'passwordTooShort',
  tooLong: 'passwordTooLong',
  common: 'passwordCommon',
  containsEmail: 'passwordContainsEmail'
} as const;

export const emailSchema = z.email().max(254).meta({ example: 'ada@example.com' });

/** A new password: 8–128 characters, not a common one. */
export const newPasswordSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = checkPassword(value, { common: commonPasswords() });
    if (problem) ctx.addIssue({ code: 'custom', message: PASSWORD_MESSAGES[problem] });
  })
  .meta({
    description: '8–128 characters; common passwords are refused',
    example: 'correct horse battery staple'
  });

export const signUpBody = z
  .strictObject({
    email: emailSchema,
    password: newPasswordSchema,
    displayName: z.string().trim().min(1).max(80).meta({ example: 'Ada Lovelace' }),
    language: z.enum(LOCALES).optional(),
    timeZone: z.string().refine(isTimeZone, { message: 'timeZoneInvalid' }).optional().meta({
      description: 'IANA time zone for showing times; the browser’s zone is a good default'
    })
  })
  .superRefine((body, ctx) => {
    if (
      checkPassword(body.password, { common: new Set(), email: body.email }) === 'containsEmail'
    ) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'passwordContainsEmail' });
    }
  });

export const acceptedResponse = z.object({ status: z.string() });

export const logInBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1000),
  remember: z.boolean().optional()
});

export const logInResponse = z.object({ user: meSchema });

export const emailBody = z.strictObject({ email: emailSchema });

export const tokenSchema = z.string().trim().min(1).max(4096);

export const verifyEmailBody = z.strictObject({ token: tokenSchema });
export const verifyEmailResponse = z.object({ verified: z.boolean(), email: z.string() });

export const resetPasswordBody = z.strictObject({
  token: tokenSchema,
  password: newPasswordSchema
});
