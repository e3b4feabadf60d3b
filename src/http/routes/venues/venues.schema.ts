import { z } from 'zod';
import { coordinate } from '../places/coordinate.schema.ts';

export const VENUE_NAME_MAX = 120;
export const VENUE_ADDRESS_MAX = 300;
export const VENUE_ROOM_MAX = 120;
export const VENUE_CAPACITY_MAX = 100_000;
export const VENUE_ACCESSIBILITY_MAX = 1000;
export const VENUE_HOST_MAX = 120;

/** The fields of a venue an organizer sets. */
const venueFields = z.strictObject({
  name: z.string().trim().min(1).max(VENUE_NAME_MAX).meta({ example: 'Contoso Campus' }),
  address: z
    .string()
    .trim()
    .min(1)
    .max(VENUE_ADDRESS_MAX)
    .meta({ example: 'Walter-Gropius-Straße 5, 80807 München' }),
  room: z
    .string()
    .trim()
    .max(VENUE_ROOM_MAX)
    .nullable()
    .optional()
    .meta({ description: 'Room or floor; empty clears it', example: 'Ground floor, room Isar' }),
  capacity: z
    .number()
    .int()
    .min(1)
    .max(VENUE_CAPACITY_MAX)
    .nullable()
    .optional()
    .meta({ description: 'How many people the room holds' }),
  accessibility: z.string().trim().max(VENUE_ACCESSIBILITY_MAX).nullable().optional().meta({
    description:
      'Plain text, shown as written (not markdown): step-free access, lifts, toilets. Null or empty clears it.'
  }),
  host: z
    .string()
    .trim()
    .max(VENUE_HOST_MAX)
    .nullable()
    .optional()
    .meta({ description: 'Who provides the place (a company, a university)', example: 'Contoso' }),
  latitude: coordinate(90).nullable().optional(),
  longitude: coordinate(180).nullable().optional()
});

const coordinatePair = (v: {
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
}) =>
  (v.latitude === undefined) === (v.longitude === undefined) &&
  (v.latitude === null) === (v.longitude === null);

export const createVenueBody = venueFields
  .refine(coordinatePair, { message: 'coordinatesPair', path: ['longitude'] })
  .meta({ description: 'A new venue; latitude and longitude come together or not at all' });

export const updateVenueBody = venueFields
  .partial()
  .refine(coordinatePair, { message: 'coordinatesPair', path: ['longitude'] })
  .meta({
    description:
      'Only the fields to change; null clears an optional one. Latitude and longitude change together.'
  });

export const venueSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    room: z.string().nullable(),
    capacity: z.number().int().nullable(),
    accessibility: z.string().meta({ description: 'Plain text; empty when not given' }),
    host: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    archived: z
      .boolean()
      .meta({ description: 'Archived venues stay on the meetings that used them' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime()
  })
  .meta({ id: 'Venue' });

export const venueListSchema = z.object({ items: z.array(venueSchema) }).meta({ id: 'VenueList' });

export const venueParams = z.object({ slug: z.string().max(100), id: z.string().max(100) });

export const venueListQuery = z.strictObject({
  includeArchived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'Also list archived venues (organizers only)' })
});
