import { z } from 'zod';
import { SPONSOR_CONTRIBUTIONS } from '../../../services/sponsor.service.ts';

export const SPONSOR_NAME_MAX = 120;
export const SPONSOR_URL_MAX = 500;

/** The fields of a sponsor an organizer sets. */
const sponsorFields = z.strictObject({
  name: z.string().trim().min(1).max(SPONSOR_NAME_MAX).meta({ example: 'Contoso' }),
  url: z
    .url({ protocol: /^https?$/ })
    .max(SPONSOR_URL_MAX)
    .nullable()
    .optional()
    .meta({ description: 'An http(s) link; null clears it', example: 'https://contoso.example' }),
  contributions: z
    .array(z.enum(SPONSOR_CONTRIBUTIONS))
    .max(20)
    .optional()
    .meta({ description: 'What the sponsor gives; a set (repeats are ignored)' })
});

export const createSponsorBody = sponsorFields.meta({ description: 'A new sponsor' });

export const updateSponsorBody = sponsorFields
  .partial()
  .meta({ description: 'Only the fields to change; contributions are replaced as a whole' });

export const sponsorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    contributions: z
      .array(z.enum(SPONSOR_CONTRIBUTIONS))
      .meta({ description: `In the order ${SPONSOR_CONTRIBUTIONS.join(', ')}` }),
    archived: z
      .boolean()
      .meta({ description: 'Archived sponsors stay credited on the meetings they supported' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime()
  })
  .meta({ id: 'Sponsor' });

export const sponsorListSchema = z
  .object({ items: z.array(sponsorSchema) })
  .meta({ id: 'SponsorList' });

export const sponsorParams = z.object({ slug: z.string().max(100), id: z.string().max(100) });

export const sponsorListQuery = z.strictObject({
  includeArchived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'Also list archived sponsors (organizers only)' })
});
