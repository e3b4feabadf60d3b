import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../../db/database.ts';
import { can, type Viewer } from '../../../domain/group-policy.ts';
import { localDateTime } from '../../../domain/zoned-time.ts';
import { type Recurrence, RecurrenceError } from '../../../domain/recurrence.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import { type Rsvp, rsvpsOf } from '../../../services/rsvp.service.ts';
import {
  createSeries,
  endSeries,
  findSeries,
  listGroupSeries,
  respondToSeries,
  type Series,
  type SeriesInput,
  updateSeries,
  upcomingOfSeries
} from '../../../services/series.service.ts';
import { findVenues } from '../../../services/venue.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import { meetingProblem, presentMeetingSummary } from './event-access.ts';
import {
  endSeriesBody,
  rsvpBody,
  seriesFields,
  seriesSchema,
  updateSeriesBody
} from './events.schema.ts';

type SeriesBody = z.output<typeof seriesFields>;

function seriesInput(body: SeriesBody, zone: string): SeriesInput {
  const { recurrence: r, timeZone, ...rest } = body;
  const base = {
    interval: r.interval,
    weekday: r.weekday,
    startDate: r.startDate,
    startTime: r.startTime,
    durationMinutes: r.durationMinutes,
    timeZone: timeZone ?? zone,
    ...(r.until !== undefined && { until: r.until })
  };
  let recurrence: Recurrence;
  if (r.frequency === 'monthly') {
    if (r.weekOfMonth === undefined) throw fieldProblem('recurrence.weekOfMonth', 'required');
    recurrence = { ...base, frequency: 'monthly', weekOfMonth: r.weekOfMonth };
  } else {
    if (r.weekOfMonth !== undefined) throw fieldProblem('recurrence.weekOfMonth', 'invalidValue');
    recurrence = { ...base, frequency: 'weekly' };
  }
  return { ...rest, recurrence };
}

/** Maps a rule the recurrence module refuses (a date that does not exist, until before start). */
function recurrenceProblem(error: unknown): never {
  if (error instanceof RecurrenceError) throw fieldProblem('recurrence', 'invalidValue');
  meetingProblem(error);
}

async function present(db: Db, series: Series, group: Group, viewer: Viewer) {
  const upcoming = (await upcomingOfSeries(db, series.id)).filter(
    (m) => m.status !== 'draft' || can(viewer, group, 'event.create')
  );
  const mine = viewer.userId
    ? await rsvpsOf(
        db,
        viewer.userId,
        upcoming.map((m) => m.id)
      )
    : new Map<string, Rsvp>();
  const venues = new Map(
    (
      await findVenues(
        db,
        upcoming.map((m) => m.venueId)
      )
    ).map((v) => [v.id, v])
  );
  const subscription = viewer.userId
    ? await db.kysely
        .selectFrom('series_rsvps')
        .select('guests')
        .where('series_id', '=', series.id)
        .where('user_id', '=', viewer.userId)
        .executeTakeFirst()
    : undefined;
  const r = series.recurrence;
  return {
    id: series.id,
    group: { slug: group.slug, name: group.name },
    title: series.title,
    description: series.description,
    recurrence: {
      frequency: r.frequency,
      interval: r.interval,
      weekday: r.weekday,
      weekOfMonth: r.frequency === 'monthly' ? r.weekOfMonth : null,
      startDate: r.startDate,
      startTime: r.startTime,
      durationMinutes: r.durationMinutes,
      until: r.until ?? null
    },
    timeZone: r.timeZone,
    rrule: series.rrule,
    venueId: series.venueId,
    online: series.onlineUrl !== null,
    onlineUrl: can(viewer, group, 'event.create') ? series.onlineUrl : null,
    capacity: series.capacity,
    guestLimit: series.guestLimit,
    rsvpOpensDays: series.rsvpOpensDays,
    rsvpClosesHours: series.rsvpClosesHours,
    votingRounds: series.votingRounds,
    votingClosesHours: series.votingClosesHours,
    ended: series.ended,
    upcoming: upcoming.map((m) =>
      presentMeetingSummary(
        m,
        group,
        (m.venueId && venues.get(m.venueId)) || null,
        mine.get(m.id) ?? null
      )
    ),
    mySeriesRsvp: subscription ? { guests: subscription.guests } : null
  };
}

/** Recurring meetings: creating a series, changing it from a date on, ending it, answering it. */
export const seriesRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, queue }) => {
  const tags = ['series'];
  const idParams = z.object({ id: z.string().max(100) });

  /** The series named in the URL, its group and the caller; 404 when they may not read it. */
  async function requireSeries(
    request: Parameters<typeof callerOf>[0],
    id: string,
    action: 'read' | 'event.create' | 'event.rsvp'
  ) {
    const series = await findSeries(db, id);
    if (!series) throw new Problem('not-found');
    const group = await findGroupById(db, series.groupId);
    if (!group) throw new Problem('not-found');
    const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
    if (!can(viewer, group, 'group.read')) throw new Problem('not-found');
    if (action !== 'read' && !can(viewer, group, action)) {
      throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
    }
    return { series, group, viewer };
  }

  app.get(
    '/groups/:slug/series',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A group's recurring meetings",
        params: slugParams,
        response: { 200: z.object({ items: z.array(seriesSchema) }), ...problemResponses(404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const items = [];
      for (const series of await listGroupSeries(db, group.id)) {
        if (!series.ended) items.push(await present(db, series, group, viewer));
      }
      return { items };
    }
  );

  app.post(
    '/groups/:slug/series',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create a recurring meeting',
        description:
          "Hosts and organizers. The rule is read in timeZone (default: the group's), DST-correct: 19:00 stays 19:00 local. Meetings for the next six months are created at once and published; members who want every meeting hear of the first.",
        params: slugParams,
        body: seriesFields,
        response: { 201: seriesSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'event.create'
      );
      try {
        const { series } = await createSeries(
          db,
          queue,
          group.id,
          callerOf(request).userId,
          seriesInput(request.body, group.timeZone)
        );
        return await reply.code(201).send(await present(db, series, group, viewer));
      } catch (error) {
        recurrenceProblem(error);
      }
    }
  );

  app.get(
    '/series/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A recurring meeting and its upcoming meetings',
        params: idParams,
        response: { 200: seriesSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const { series, group, viewer } = await requireSeries(request, request.params.id, 'read');
      return present(db, series, group, viewer);
    }
  );

  app.put(
    '/series/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Change a series from a date on (this and following)',
        description:
          'Hosts and organizers. The old rule ends the day before `from` (default: today) and the answer is the series that carries on. Upcoming meetings from that day on that were not edited on their own follow: moved (people going are told), cancelled when their day has no meeting any more, and new days get new meetings. To skip one meeting, cancel it.',
        params: idParams,
        body: updateSeriesBody,
        response: { 200: seriesSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { series, group, viewer } = await requireSeries(
        request,
        request.params.id,
        'event.create'
      );
      if (series.ended) throw new Problem('conflict', { detail: 'seriesEnded' });
      const { from, ...body } = request.body;
      const today = localDateTime(new Date(), series.recurrence.timeZone).slice(0, 10);
      if (from !== undefined && from < today) throw fieldProblem('from', 'invalidValue');
      try {
        const next = await updateSeries(
          db,
          queue,
          series,
          seriesInput(body, series.recurrence.timeZone),
          from ?? today
        );
        return await present(db, next, group, viewer);
      } catch (error) {
        recurrenceProblem(error);
      }
    }
  );

  app.post(
    '/series/:id/end',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'End a series',
        description:
          'Hosts and organizers. No new meetings; the upcoming ones are cancelled with the reason, and people going are told.',
        params: idParams,
        body: endSeriesBody,
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { series } = await requireSeries(request, request.params.id, 'event.create');
      await endSeries(db, queue, series, request.body.reason);
      return reply.code(204).send(null);
    }
  );

  app.put(
    '/series/:id/rsvp',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Answer for the whole series',
        description:
          'Active members. Going takes a seat (or a waitlist place) in every upcoming meeting with open RSVPs and in each meeting the series adds later; single meetings can still be declined. Not going withdraws what the series answered.',
        params: idParams,
        body: rsvpBody,
        response: { 200: seriesSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { series, group, viewer } = await requireSeries(
        request,
        request.params.id,
        'event.rsvp'
      );
      if (request.body.guests > series.guestLimit) throw fieldProblem('guests', 'tooManyGuests');
      await respondToSeries(db, queue, series, callerOf(request).userId, {
        going: request.body.status === 'going',
        guests: request.body.guests
      });
      return present(db, series, group, viewer);
    }
  );
};
