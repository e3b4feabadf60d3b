import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type GroupRules } from '../../../domain/group-policy.ts';
import { apiTranslator, type Locale, negotiateLocale } from '../../../i18n/i18n.ts';
import { meetingCalendar, meetingsAtom } from '../../../services/calendar/calendar-feed.ts';
import { calendarEntries } from '../../../services/calendar/meeting-entries.ts';
import {
  createPersonalFeed,
  deletePersonalFeed,
  ownerOfFeed,
  personalFeedCreatedAt
} from '../../../services/calendar/personal-feed.service.ts';
import { feedMeetings } from '../../../services/event.service.ts';
import { getProfile } from '../../../services/profile.service.ts';
import { feedMeetingsOf, findRsvp } from '../../../services/rsvp.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { requireMeetingAccess } from './event-access.ts';
import { eventParams } from './events.schema.ts';

/** Feeds show meetings that ended up to this long ago, so last week's stays in the calendar. */
const FEED_PAST_DAYS = 90;
const ICS_TYPE = 'text/calendar; charset=utf-8';

function labels(locale: Locale) {
  const t = apiTranslator(locale);
  return { cancelled: t('calendar.cancelled'), online: t('calendar.online') };
}

function since(): Date {
  return new Date(Date.now() - FEED_PAST_DAYS * 24 * 3600_000);
}

/**
 * Shared caches may keep the feed of a group anyone may read; a feed only members get (a private
 * group, or one an admin hid from the instance) stays private.
 */
function feedCaching(group: GroupRules): string {
  return group.visibility === 'public' && !group.hiddenByAdmin
    ? 'public, max-age=300'
    : 'private, no-cache';
}

const icsResponse = {
  200: z.string().meta({ description: 'RFC 5545 iCalendar (text/calendar)' })
};

/** Calendars: one meeting's .ics, a group's feed (iCalendar and Atom), and personal feeds. */
export const calendarRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, config }) => {
  const tags = ['calendars'];
  const productId = '-//Guildhall//Meetings//EN';

  app.get(
    '/events/:id/calendar.ics',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "One meeting's iCalendar file",
        description:
          'Stable UID; SEQUENCE rises with every change; a cancelled meeting carries STATUS:CANCELLED. The online link only for people going, hosts and organizers.',
        params: eventParams,
        response: { ...icsResponse, ...problemResponses(404) }
      }
    },
    async (request, reply) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.read');
      const { meeting, group, viewer } = access;
      const going = viewer.userId
        ? (await findRsvp(db, meeting.id, viewer.userId))?.status === 'going'
        : false;
      const runs = can(viewer, group, 'event.create');
      const entries = await calendarEntries(db, [meeting], {
        baseUrl: config.baseUrl,
        showOnlineLink: () => going || runs
      });
      const body = meetingCalendar(entries, {
        name: meeting.title,
        productId,
        labels: labels(negotiateLocale(request.headers['accept-language']))
      });
      return reply
        .type(ICS_TYPE)
        .header('content-disposition', `attachment; filename="meeting-${meeting.id}.ics"`)
        .header('cache-control', 'private, no-cache')
        .send(body);
    }
  );

  app.get(
    '/groups/:slug/calendar.ics',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A group's calendar feed",
        description:
          'Subscribe with webcal://. Published and cancelled meetings from 90 days back on; never online links (the feed has no login). Private groups: members only — calendar apps use the personal feed instead.',
        params: slugParams,
        response: { ...icsResponse, ...problemResponses(404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'group.read');
      const meetings = await feedMeetings(db, group.id, since());
      const entries = await calendarEntries(db, meetings, {
        baseUrl: config.baseUrl,
        showOnlineLink: () => false
      });
      const body = meetingCalendar(entries, {
        name: group.name,
        description: `${config.baseUrl}/groups/${group.slug}`,
        productId,
        refreshHours: 6,
        labels: labels(negotiateLocale(request.headers['accept-language']))
      });
      return reply.type(ICS_TYPE).header('cache-control', feedCaching(group)).send(body);
    }
  );

  app.get(
    '/groups/:slug/events.atom',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A group's upcoming meetings as an Atom feed",
        params: slugParams,
        response: { 200: z.string().meta({ description: 'Atom 1.0' }), ...problemResponses(404) }
      }
    },
    async (request, reply) => {
      const { group } = await requireGroupAccess(db, request, request.params.slug, 'group.read');
      const meetings = (await feedMeetings(db, group.id, new Date())).slice(0, 50);
      const entries = await calendarEntries(db, meetings, {
        baseUrl: config.baseUrl,
        showOnlineLink: () => false
      });
      const locale = negotiateLocale(request.headers['accept-language']);
      const updated = meetings.reduce(
        (latest, m) => (m.updatedAt > latest ? m.updatedAt : latest),
        group.createdAt
      );
      const body = meetingsAtom(entries, {
        id: `${config.baseUrl}/groups/${group.slug}`,
        title: group.name,
        link: `${config.baseUrl}/groups/${group.slug}`,
        selfLink: `${config.baseUrl}/api/v1/groups/${group.slug}/events.atom`,
        updated,
        language: locale,
        labels: labels(locale)
      });
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', feedCaching(group))
        .send(body);
    }
  );

  app.post(
    '/me/calendar-feed',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Create my personal calendar feed',
        description:
          'A secret URL with every meeting I am going to (with online links). Shown once; creating it again replaces the old URL, which stops working at once.',
        response: {
          201: z.object({ url: z.string(), webcal: z.string() }).meta({ id: 'CalendarFeed' }),
          ...problemResponses(401, 403)
        }
      }
    },
    async (request, reply) => {
      const secret = await createPersonalFeed(db, callerOf(request).userId);
      const url = `${config.baseUrl}/api/v1/calendar/${secret}.ics`;
      return reply.code(201).send({ url, webcal: url.replace(/^https?:/, 'webcal:') });
    }
  );

  app.get(
    '/me/calendar-feed',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Whether my personal calendar feed is on',
        description: 'The URL itself is shown only once, when it is created.',
        response: {
          200: z
            .object({ active: z.boolean(), createdAt: z.iso.datetime().nullable() })
            .meta({ id: 'CalendarFeedStatus' }),
          ...problemResponses(401, 403)
        }
      }
    },
    async (request) => {
      const createdAt = await personalFeedCreatedAt(db, callerOf(request).userId);
      return { active: createdAt !== null, createdAt: createdAt?.toISOString() ?? null };
    }
  );

  app.delete(
    '/me/calendar-feed',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Turn my personal calendar feed off',
        response: { 204: z.null(), ...problemResponses(401, 403) }
      }
    },
    async (request, reply) => {
      await deletePersonalFeed(db, callerOf(request).userId);
      return reply.code(204).send(null);
    }
  );

  app.get(
    '/calendar/:secret.ics',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A personal calendar feed',
        description: 'The secret URL from POST /me/calendar-feed; 404 once replaced or turned off.',
        params: z.object({ secret: z.string().max(100) }),
        response: { ...icsResponse, ...problemResponses(404) }
      }
    },
    async (request, reply) => {
      const userId = await ownerOfFeed(db, request.params.secret);
      if (!userId) throw new Problem('not-found');
      const profile = await getProfile(db, userId);
      const locale: Locale = profile?.language === 'de' ? 'de' : 'en';
      const meetings = await feedMeetingsOf(db, userId, since());
      const entries = await calendarEntries(db, meetings, {
        baseUrl: config.baseUrl,
        showOnlineLink: () => true
      });
      return reply
        .type(ICS_TYPE)
        .header('cache-control', 'private, no-cache')
        .send(
          meetingCalendar(entries, {
            name: 'Guildhall',
            productId,
            refreshHours: 1,
            labels: labels(locale)
          })
        );
    }
  );
};
