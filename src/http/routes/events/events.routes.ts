import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import { zonedInstant } from '../../../domain/zoned-time.ts';
import {
  cancelMeeting,
  createMeeting,
  listGroupMeetings,
  type MeetingInput,
  publishMeeting,
  updateMeeting
} from '../../../services/event.service.ts';
import { findRsvp, type Rsvp, rsvpsOf } from '../../../services/rsvp.service.ts';
import { findVenues } from '../../../services/venue.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { slugParams } from '../groups/groups.schema.ts';
import {
  meetingProblem,
  presentMeetingFor,
  presentMeetingSummary,
  requireMeetingAccess
} from './event-access.ts';
import { decodeEventCursor, encodeEventCursor } from './event-cursor.ts';
import {
  cancelEventBody,
  createEventBody,
  eventListQuery,
  eventListSchema,
  eventParams,
  eventSchema,
  updateEventBody
} from './events.schema.ts';

/** Reads a date-time input: an instant as given, a wall-clock time in `timeZone`. */
function instant(value: string, timeZone: string, field: string): Date {
  try {
    const date = /(?:Z|[+-]\d{2}:\d{2})$/.test(value)
      ? new Date(value)
      : zonedInstant(value, timeZone);
    if (Number.isNaN(date.getTime())) throw new RangeError(value);
    return date;
  } catch {
    throw fieldProblem(field, 'invalidFormat');
  }
}

type EventFields = Partial<z.output<typeof createEventBody>>;

/** The body's fields as service input; times are read in the body's zone or `zone`. */
function meetingInput(body: EventFields, zone: string): Partial<MeetingInput> {
  const timeZone = body.timeZone ?? zone;
  const optionalInstant = (value: string | null | undefined, field: string) =>
    value === undefined ? undefined : value === null ? null : instant(value, timeZone, field);
  return {
    ...(body.title !== undefined && { title: body.title }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.startsAt !== undefined && { startsAt: instant(body.startsAt, timeZone, 'startsAt') }),
    ...(body.endsAt !== undefined && { endsAt: instant(body.endsAt, timeZone, 'endsAt') }),
    ...(body.timeZone !== undefined && { timeZone: body.timeZone }),
    ...(body.venueId !== undefined && { venueId: body.venueId }),
    ...(body.onlineUrl !== undefined && { onlineUrl: body.onlineUrl }),
    ...(body.capacity !== undefined && { capacity: body.capacity }),
    ...(body.guestLimit !== undefined && { guestLimit: body.guestLimit }),
    ...(body.rsvpOpensAt !== undefined && {
      rsvpOpensAt: optionalInstant(body.rsvpOpensAt, 'rsvpOpensAt')
    }),
    ...(body.rsvpClosesAt !== undefined && {
      rsvpClosesAt: optionalInstant(body.rsvpClosesAt, 'rsvpClosesAt')
    }),
    ...(body.sponsorIds !== undefined && { sponsorIds: body.sponsorIds })
  };
}

/** Meetings of a group: listing, creating, editing, publishing and cancelling. */
export const eventRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, queue }) => {
  const tags = ['events'];

  app.get(
    '/groups/:slug/events',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A group's meetings",
        description:
          'Upcoming (soonest first) or past (latest first). Drafts are listed to hosts and organizers only. Members only in private groups.',
        params: slugParams,
        querystring: eventListQuery,
        response: { 200: eventListSchema, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const q = request.query;
      const page = await listGroupMeetings(db, group.id, {
        when: q.when,
        includeDrafts: can(viewer, group, 'event.create'),
        limit: q.limit,
        cursor: q.cursor ? decodeEventCursor(q.cursor) : undefined
      });
      const venues = new Map(
        (
          await findVenues(
            db,
            page.items.map((m) => m.venueId)
          )
        ).map((v) => [v.id, v])
      );
      const mine = viewer.userId
        ? await rsvpsOf(
            db,
            viewer.userId,
            page.items.map((m) => m.id)
          )
        : new Map<string, Rsvp>();
      return {
        items: page.items.map((m) =>
          presentMeetingSummary(
            m,
            group,
            (m.venueId && venues.get(m.venueId)) || null,
            mine.get(m.id) ?? null
          )
        ),
        nextCursor: page.next ? encodeEventCursor(page.next) : null
      };
    }
  );

  app.post(
    '/groups/:slug/events',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Create a meeting',
        description:
          "Hosts and organizers. Times without an offset are read in timeZone (default: the group's). With publish: true members who want every meeting are told by mail.",
        params: slugParams,
        body: createEventBody,
        response: { 201: eventSchema, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request, reply) => {
      const access = await requireGroupAccess(db, request, request.params.slug, 'event.create');
      const { publish, ...body } = request.body;
      const input = meetingInput(body, access.group.timeZone) as MeetingInput;
      try {
        const meeting = await createMeeting(db, queue, access.group.id, callerOf(request).userId, {
          ...input,
          timeZone: body.timeZone ?? access.group.timeZone,
          publish: publish ?? false
        });
        return await reply
          .code(201)
          .send(await presentMeetingFor(db, { ...access, meeting }, null));
      } catch (error) {
        meetingProblem(error);
      }
    }
  );

  app.get(
    '/events/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A meeting',
        description:
          'Everyone who may read its group; drafts only to hosts and organizers. The online link only to people going, hosts and organizers.',
        params: eventParams,
        response: { 200: eventSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.read');
      const rsvp = access.viewer.userId
        ? await findRsvp(db, access.meeting.id, access.viewer.userId)
        : null;
      return presentMeetingFor(db, access, rsvp);
    }
  );

  app.patch(
    '/events/:id',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Edit a meeting',
        description:
          'Hosts and organizers. A capacity below the seats taken is refused; a higher one moves people up from the waitlist. A new time or place is mailed to everyone going. Editing one meeting of a series detaches it from later series edits.',
        params: eventParams,
        body: updateEventBody,
        response: { 200: eventSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.create');
      try {
        const meeting = await updateMeeting(
          db,
          queue,
          access.meeting,
          meetingInput(request.body, access.meeting.timeZone),
          new Date(),
          { actorId: callerOf(request).userId }
        );
        const rsvp = await findRsvp(db, meeting.id, callerOf(request).userId);
        return await presentMeetingFor(db, { ...access, meeting }, rsvp);
      } catch (error) {
        meetingProblem(error);
      }
    }
  );

  app.post(
    '/events/:id/publish',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Publish a draft meeting',
        description: 'Hosts and organizers. Members who want every meeting are told by mail.',
        params: eventParams,
        response: { 200: eventSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.create');
      try {
        const meeting = await publishMeeting(
          db,
          queue,
          access.meeting,
          new Date(),
          callerOf(request).userId
        );
        return await presentMeetingFor(db, { ...access, meeting }, null);
      } catch (error) {
        meetingProblem(error);
      }
    }
  );

  app.post(
    '/events/:id/cancel',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Cancel a meeting',
        description:
          'Hosts and organizers, with a reason. The meeting stays listed as cancelled; calendars receive STATUS:CANCELLED; everyone going or waiting is told.',
        params: eventParams,
        body: cancelEventBody,
        response: { 200: eventSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.create');
      try {
        const meeting = await cancelMeeting(
          db,
          queue,
          access.meeting,
          request.body.reason,
          new Date(),
          callerOf(request).userId
        );
        return await presentMeetingFor(db, { ...access, meeting }, null);
      } catch (error) {
        meetingProblem(error);
      }
    }
  );
};
