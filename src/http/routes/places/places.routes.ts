import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findPlaces } from '../../../services/place.service.ts';
import { clientIp } from '../../caller.ts';
import type { AppContext, Limit } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { placesQuery, placesResponse } from './places.schema.ts';

/** Generous for a form that suggests places while someone types, tight for a scraper. */
export const PLACES_LIMIT: Limit = { max: 120, windowMs: 60_000 };

/** Finding places by name (GeoNames cities of 15,000 people or more): public, rate limited. */
export const placeRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { internalToken }) => {
  app.get(
    '/places',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: PLACES_LIMIT.max,
          timeWindow: PLACES_LIMIT.windowMs,
          keyGenerator: (request) => clientIp(request, internalToken)
        }
      },
      schema: {
        tags: ['places'],
        summary: 'Find places by name',
        description:
          'Cities with 15,000 inhabitants or more (GeoNames, CC BY). Case, accents, umlaut spellings (München, Muenchen, Munchen), hyphens and spaces do not matter; English and other Latin-script names count too (Munich, Cologne, Wien). Places named exactly q come first, then places whose name starts with q, each by population.',
        querystring: placesQuery,
        response: { 200: placesResponse, ...problemResponses(400, 429) }
      }
    },
    async (request) => {
      const { q, country, limit } = request.query;
      const places = await findPlaces(q, { country, limit });
      return {
        items: places.map((p) => ({
          id: p.id,
          name: p.name,
          country: p.country,
          latitude: p.latitude,
          longitude: p.longitude,
          timeZone: p.timeZone,
          population: p.population
        }))
      };
    }
  );
};
