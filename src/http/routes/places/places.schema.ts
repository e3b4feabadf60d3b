import { z } from 'zod';
import { isCountryCode } from '../../../domain/places.ts';

/** An optional ISO 3166-1 alpha-2 country code in a query string, upper-cased. */
export const countryQuery = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, { message: 'countryInvalid' })
  .optional()
  .meta({ description: 'ISO 3166-1 alpha-2', example: 'DE' });

export const placesQuery = z.strictObject({
  q: z.string().trim().min(2).max(100).meta({
    description: 'A place name or its start, in any common spelling',
    example: 'Muenchen'
  }),
  country: countryQuery,
  limit: z.coerce.number().int().min(1).max(50).default(10)
});

/** A city from GeoNames. */
export const placeSchema = z
  .object({
    id: z.string().meta({ description: 'GeoNames id', example: '2867714' }),
    name: z.string().meta({ example: 'Munich' }),
    country: z.string().meta({ description: 'ISO 3166-1 alpha-2', example: 'DE' }),
    latitude: z.number(),
    longitude: z.number(),
    timeZone: z.string().meta({ description: 'IANA time zone', example: 'Europe/Berlin' }),
    population: z.number().int()
  })
  .meta({ id: 'Place' });

export const placesResponse = z.object({ items: z.array(placeSchema) });
