import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import { findGroupsByIds } from '../../../services/group.service.ts';
import {
  checkIn,
  findRsvp,
  listAttendees,
  listMyMeetings,
  listNoShows,
  respondWithMeeting,
  rsvpsOf,
  undoCheckIn
} from '../../../services/rsvp.service.ts';
import { findVenues } from '../../../services/venue.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { Problem, problemResponses } from '../../problem.ts';
import {
  meetingProblem,
  presentMeetingFor,
  presentMeetingSummary,
  requireMeetingAccess
} from './event-access.ts';
import { decodeEventCursor, encodeEventCursor } from './event-cursor.ts';
import {
  attendeeQuery,
  attendeeSchema,
  checkInBody,
  eventListQuery,
  eventListSchema,
  eventParams,
  eventSchema,
  myRsvpSchema,
  rsvpBody
} from './events.schema.ts';

const attendeeList = z.object({ items: z.array(attendeeSchema) }).meta({ id: 'AttendeeList' });

/** RSVPs, the attendee list, check-in, no-shows and "My meetings". */
export const rsvpRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db, queue }) => {
  const tags = ['rsvps'];

  app.put(
    '/events/:id/rsvp',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Say going or not going',
        description:
          'Active members of the group, while RSVPs are open. Going takes a seat (plus guests) when one is free and nobody is waiting, otherwise a place on the waitlist; not going frees the seat for the first in line. Saying the same twice changes nothing.',
        params: eventParams,
        body: rsvpBody,
        response: { 200: eventSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.rsvp');
      try {
        // The meeting comes back from the write itself, with the seat counts this answer left;
        // the group and the caller's standing are the ones just checked (an answer changes neither).
        const { rsvp, meeting } = await respondWithMeeting(
          db,
          queue,
          access.meeting.id,
          callerOf(request).userId,
          { going: request.body.status === 'going', guests: request.body.guests }
        );
        return await presentMeetingFor(db, { ...access, meeting }, rsvp);
      } catch (error) {
        meetingProblem(error);
      }
    }
  );

  app.get(
    '/events/:id/rsvp',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'My answer to a meeting',
        params: eventParams,
        response: { 200: myRsvpSchema, ...problemResponses(401, 404) }
      }
    },
    async (request) => {
      const { meeting } = await requireMeetingAccess(db, request, request.params.id, 'event.read');
      const rsvp = await findRsvp(db, meeting.id, callerOf(request).userId);
      if (!rsvp) throw new Problem('not-found');
      return {
        status: rsvp.status,
        guests: rsvp.guests,
        waitlistPosition: rsvp.waitlistPosition,
        checkInCode: rsvp.checkInCode,
        checkedIn: rsvp.checkedInAt !== null
      };
    }
  );

  app.get(
    '/events/:id/attendees',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Who is going',
        description:
          'Everyone who may read the group sees who is going (members only in private groups); hosts and organizers also see the waitlist (status=waitlisted) and who said no. Search by name or handle with q.',
        params: eventParams,
        querystring: attendeeQuery,
        response: { 200: attendeeList, ...problemResponses(400, 401, 403, 404) }
      }
    },
    async (request) => {
      const { meeting, group, viewer } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'event.read'
      );
      const runs = can(viewer, group, 'event.checkIn');
      const status = request.query.status;
      if (status && status !== 'going' && !runs) {
        throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
      }
      const items = await listAttendees(db, meeting.id, {
        statuses: status ? [status] : ['going'],
        q: request.query.q
      });
      return { items: items.map((a) => jsonDates(runs ? a : { ...a, checkedInAt: null })) };
    }
  );

  app.post(
    '/events/:id/check-ins',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Check someone in',
        description:
          'Hosts and organizers, by the personal code people show at the door or by user id. Only people going are checked in; a second check-in keeps the first time.',
        params: eventParams,
        body: checkInBody,
        response: { 200: attendeeSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { meeting } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'event.checkIn'
      );
      try {
        const rsvp = await checkIn(db, meeting.id, request.body);
        const [attendee] = await listAttendees(db, meeting.id, {
          statuses: ['going'],
          userIds: [rsvp.userId]
        });
        if (!attendee) throw new Problem('not-found');
        return jsonDates(attendee);
      } catch (error) {
        meetingProblem(error);
      }
    }
  );

  app.delete(
    '/events/:id/check-ins/:userId',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Take back a check-in',
        params: z.object({ id: z.string().max(100), userId: z.string().max(100) }),
        response: { 204: z.null(), ...problemResponses(401, 403, 404) }
      }
    },
    async (request, reply) => {
      const { meeting } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'event.checkIn'
      );
      try {
        await undoCheckIn(db, meeting.id, request.params.userId);
      } catch (error) {
        meetingProblem(error);
      }
      return reply.code(204).send(null);
    }
  );

  app.get(
    '/events/:id/no-shows',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'People going who did not come',
        description: 'Hosts and organizers; empty until the meeting has started.',
        params: eventParams,
        response: { 200: attendeeList, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { meeting } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'event.checkIn'
      );
      if (meeting.startsAt.getTime() > Date.now()) return { items: [] };
      return { items: (await listNoShows(db, meeting.id)).map((a) => jsonDates(a)) };
    }
  );

  app.get(
    '/me/events',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'My meetings',
        description: 'Meetings I am going to or waiting for: upcoming, or past.',
        querystring: eventListQuery,
        response: { 200: eventListSchema, ...problemResponses(400, 401) }
      }
    },
    async (request) => {
      const userId = callerOf(request).userId;
      const q = request.query;
      const page = await listMyMeetings(db, userId, {
        when: q.when,
        limit: q.limit,
        cursor: q.cursor ? decodeEventCursor(q.cursor) : undefined
      });
      const ids = page.items.map((m) => m.id);
      const mine = await rsvpsOf(db, userId, ids);
      const venues = new Map(
        (
          await findVenues(
            db,
            page.items.map((m) => m.venueId)
          )
        ).map((v) => [v.id, v])
      );
      const groups = new Map(
        (
          await findGroupsByIds(
            db,
            page.items.map((m) => m.groupId)
          )
        ).map((g) => [g.id, g])
      );
      return {
        items: page.items.flatMap((m) => {
          const group = groups.get(m.groupId);
          return group
            ? [
                presentMeetingSummary(
                  m,
                  group,
                  (m.venueId && venues.get(m.venueId)) || null,
                  mine.get(m.id) ?? null
                )
              ]
            : [];
        }),
        nextCursor: page.next ? encodeEventCursor(page.next) : null
      };
    }
  );
};
