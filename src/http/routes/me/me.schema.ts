import { z } from 'zod';
import { isValidHandle } from '../../../domain/handle.ts';
import { TAG_MAX_LENGTH } from '../../../domain/tags.ts';
import { LOCALES } from '../../../i18n/i18n.ts';
import { isCountryCode, isTimeZone } from '../../../domain/places.ts';

/** The signed-in user's own profile. */
export const meSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    displayName: z.string(),
    handle: z.string(),
    bio: z.string().meta({ description: 'Markdown source' }),
    bioHtml: z.string().meta({ description: 'Sanitized HTML rendered from bio' }),
    city: z.string().nullable(),
    country: z.string().nullable().meta({ description: 'ISO 3166-1 alpha-2' }),
    timeZone: z.string().meta({ description: 'IANA time zone', example: 'Europe/Berlin' }),
    language: z.enum(LOCALES),
    tags: z.array(z.string()),
    openToWork: z.boolean().meta({
      description:
        'Shown as a badge next to you on the boards of your groups, to fellow members only'
    }),
    healthOptOut: z.boolean().meta({
      description:
        'Keeps you off the list of members who have gone quiet that organizers see (and may write to)'
    }),
    isAdmin: z.boolean(),
    createdAt: z.iso.datetime()
  })
  .meta({ id: 'Me' });

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((v) => (v === '' ? null : v));

export const MAX_PROFILE_TAGS = 20;

export const updateMeBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(80),
    handle: z.string().trim().toLowerCase().refine(isValidHandle, { message: 'handleInvalid' }),
    bio: z.string().max(2000),
    city: optionalText(100),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .nullable()
      .transform((v) => (v === '' ? null : v))
      .refine((v) => v === null || isCountryCode(v), { message: 'countryInvalid' }),
    timeZone: z.string().refine(isTimeZone, { message: 'timeZoneInvalid' }),
    language: z.enum(LOCALES),
    tags: z
      .array(
        z
          .string()
          .max(TAG_MAX_LENGTH)
          .refine((t) => /[\p{L}\p{N}]/u.test(t), { message: 'tagInvalid' })
      )
      .max(MAX_PROFILE_TAGS),
    openToWork: z.boolean(),
    healthOptOut: z.boolean()
  })
  .partial();

export type UpdateMeInput = z.output<typeof updateMeBody>;
