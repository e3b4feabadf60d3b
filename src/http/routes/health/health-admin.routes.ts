import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { negotiateLocale } from '../../../i18n/i18n.ts';
import { instanceHealthCsv } from '../../../services/health/health-csv.ts';
import { rollUpHealth } from '../../../services/health/health-rollup.ts';
import { instanceHealth } from '../../../services/health/health.service.ts';
import type { AppContext } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { adminOnly } from '../admin/admin-access.ts';
import { sendCsv } from './health-access.ts';
import { instanceHealthSchema, rollupResultSchema } from './health.schema.ts';

/**
 * The instance at a glance for admins: groups, accounts, meetings and weekly active members, as
 * JSON and CSV, and bringing the figures up to date on demand. Like every admin route: 401
 * without a caller, 404 to everyone but instance admins.
 */
export const adminHealthRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['health', 'admin'];
  app.addHook('preHandler', adminOnly(db));

  app.get(
    '/admin/health',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The instance at a glance (admins)',
        description:
          'Groups, accounts, meetings held (all time and the last 30 days) and the active members of the last 12 ISO weeks.',
        response: { 200: instanceHealthSchema, ...problemResponses(401, 404) }
      }
    },
    async () => instanceHealth(db)
  );

  app.get(
    '/admin/health.csv',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The instance at a glance as CSV (admins)',
        description:
          'text/csv, UTF-8 with a byte order mark, headings in the Accept-Language: the active members of the last 12 ISO weeks, then the totals as rows of the same two columns. Downloads as `instance-health-<YYYY-MM-DD>.csv`.',
        response: {
          200: z.string().meta({ description: 'RFC 4180 CSV (text/csv)' }),
          ...problemResponses(401, 404)
        }
      }
    },
    async (request, reply) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      return sendCsv(reply, 'instance-health', instanceHealthCsv(await instanceHealth(db), locale));
    }
  );

  app.post(
    '/admin/health/rollup',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Bring the health figures up to date now (admins)',
        description:
          'Runs the rollup the job runs every 10 minutes and answers with what it recomputed.',
        response: { 200: rollupResultSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async () => rollUpHealth(db)
  );
};
