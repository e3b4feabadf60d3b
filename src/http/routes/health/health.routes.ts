import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { negotiateLocale } from '../../../i18n/i18n.ts';
import { dashboardCsv, quietCsv } from '../../../services/health/health-csv.ts';
import {
  groupHealth,
  healthSettings,
  publicHealth,
  quietMembers,
  updateHealthSettings
} from '../../../services/health/health.service.ts';
import { sendOutreach } from '../../../services/health/outreach.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext, Limit } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { adminHealthRoutes } from './health-admin.routes.ts';
import {
  outreachProblem,
  requireHealthAccess,
  requirePublicHealthAccess,
  sendCsv
} from './health-access.ts';
import {
  groupHealthSchema,
  healthCsvQuery,
  healthSettingsBody,
  healthSettingsSchema,
  OUTREACH_EVERY_DAYS,
  outreachBody,
  outreachSchema,
  publicHealthSchema,
  quietListSchema,
  quietMemberParams
} from './health.schema.ts';

/** Personal messages per organizer: plenty for a list worked through by hand, none for a script. */
export const OUTREACH_LIMIT: Limit = { max: 30, windowMs: 60 * 60_000 };

/**
 * Community health: the organizers' dashboard, its CSV exports, the gone-quiet list with personal
 * messages, the group's health settings, the public figures and the admins' instance view.
 * Everything but the public figures needs `health.view` (organizers and up, admins); the group's
 * health is a 404 to everyone else.
 */
export const healthRoutes: FastifyPluginAsyncZod<AppContext> = async (app, context) => {
  const { db, queue, config } = context;
  const tags = ['health'];

  app.get(
    '/groups/:slug/health',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A group’s community health dashboard (organizers and up)',
        description:
          'Members over time, meetings and attendance, topics and votes, talks, 90-9-1 participation and how many have gone quiet — from the daily aggregates (`rolledUpAt` says how fresh).',
        params: slugParams,
        response: { 200: groupHealthSchema, ...problemResponses(401, 404) }
      }
    },
    async (request) => {
      const { group } = await requireHealthAccess(db, request, request.params.slug, 'health.view');
      return groupHealth(db, group);
    }
  );

  app.get(
    '/groups/:slug/health.csv',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'One table of the health dashboard as CSV (organizers and up)',
        description:
          'text/csv, UTF-8 with a byte order mark, headings in the Accept-Language (en, de). `table`: members, meetings (the last 24), topics, talks, participation (tiers, where their members came from, and who left) or quiet (the gone-quiet list, with names). Downloads as `<slug>-health-<table>-<YYYY-MM-DD>.csv`.',
        params: slugParams,
        querystring: healthCsvQuery,
        response: {
          200: z.string().meta({ description: 'RFC 4180 CSV (text/csv)' }),
          ...problemResponses(400, 401, 404)
        }
      }
    },
    async (request, reply) => {
      const { group } = await requireHealthAccess(db, request, request.params.slug, 'health.view');
      const { table } = request.query;
      const locale = negotiateLocale(request.headers['accept-language']);
      const csv =
        table === 'quiet'
          ? quietCsv(await quietMembers(db, group.id), locale)
          : dashboardCsv(table, await groupHealth(db, group), locale);
      return sendCsv(reply, `${group.slug}-health-${table}`, csv);
    }
  );

  app.get(
    '/groups/:slug/health/quiet',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Members who have gone quiet (organizers and up)',
        description:
          'Active members who came to at least 3 of the 6 meetings before the quiet period and have not come or taken part since; most attended first. Members who opted out (`healthOptOut` on /me) never appear.',
        params: slugParams,
        response: { 200: quietListSchema, ...problemResponses(401, 404) }
      }
    },
    async (request) => {
      const { group } = await requireHealthAccess(db, request, request.params.slug, 'health.view');
      const [items, settings] = await Promise.all([
        quietMembers(db, group.id),
        healthSettings(db, group.id)
      ]);
      return { quietDays: settings.quietDays, items };
    }
  );

  app.post(
    '/groups/:slug/health/quiet/:userId/message',
    {
      config: {
        access: 'user',
        rateLimit: {
          max: OUTREACH_LIMIT.max,
          timeWindow: OUTREACH_LIMIT.windowMs,
          keyGenerator: (request) => request.caller?.userId ?? request.ip
        }
      },
      schema: {
        tags,
        summary: 'Write personally to a member who has gone quiet (organizers and up)',
        description: `Mails the member in their language, with your address as Reply-To; the body is plain text and is not kept. 404 unless the member is on the gone-quiet list; 409 outreachTooSoon when an organizer of the group wrote to them in the last ${OUTREACH_EVERY_DAYS} days. Rate limited per caller.`,
        params: quietMemberParams,
        body: outreachBody,
        response: { 201: outreachSchema, ...problemResponses(400, 401, 403, 404, 409, 429) }
      }
    },
    async (request, reply) => {
      const { group } = await requireHealthAccess(
        db,
        request,
        request.params.slug,
        'health.outreach'
      );
      const { sentAt } = await sendOutreach(db, queue, config.baseUrl, {
        group,
        senderId: callerOf(request).userId,
        userId: request.params.userId,
        subject: request.body.subject,
        body: request.body.body
      }).catch(outreachProblem);
      return reply.code(201).send({ sentAt: sentAt.toISOString() });
    }
  );

  app.get(
    '/groups/:slug/health/settings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A group’s health settings (organizers and up)',
        params: slugParams,
        response: { 200: healthSettingsSchema, ...problemResponses(401, 404) }
      }
    },
    async (request) => {
      const { group } = await requireHealthAccess(db, request, request.params.slug, 'health.view');
      return healthSettings(db, group.id);
    }
  );

  app.patch(
    '/groups/:slug/health/settings',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a group’s health settings (organizers and up)',
        description:
          'Only the fields given: `public` (the figures without names for everyone who may read the group), `windowDays` (30–730, the participation window), `quietDays` (30–365, the quiet period). Audited as `health.settings`; the figures follow with the next rollup.',
        params: slugParams,
        body: healthSettingsBody,
        response: { 200: healthSettingsSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { group } = await requireHealthAccess(db, request, request.params.slug, 'health.view');
      return updateHealthSettings(db, group.id, callerOf(request).userId, request.body);
    }
  );

  app.get(
    '/groups/:slug/health/public',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A group’s figures without names (when the group made them public)',
        description:
          'Members over time and meetings per month with their average attendance. To everyone who may read the group when its `public` health setting is on, to organizers always; 404 otherwise.',
        params: slugParams,
        response: { 200: publicHealthSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const group = await requirePublicHealthAccess(db, request, request.params.slug);
      return publicHealth(db, group);
    }
  );

  await app.register(adminHealthRoutes, context);
};
