import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.ts';
import { can, type GroupAction, type Viewer } from '../../../domain/group-policy.ts';
import { renderMarkdown } from '../../../domain/markdown.ts';
import {
  findMeeting,
  isPast,
  MeetingError,
  type Meeting
} from '../../../services/event.service.ts';
import { findGroupById, type Group, viewerOf } from '../../../services/group.service.ts';
import { type Rsvp, RsvpError, rsvpWindow } from '../../../services/rsvp.service.ts';
import { sponsorsOfEvent } from '../../../services/sponsor.service.ts';
import { findVenues, type Venue } from '../../../services/venue.service.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem } from '../../problem.ts';
import type { EVENT_STATES } from './events.schema.ts';

export interface MeetingAccess {
  meeting: Meeting;
  group: Group;
  viewer: Viewer;
}

/**
 * Loads the meeting named in the URL, its group and the caller's standing, and checks `action`.
 * A meeting the caller may not see — in a group they may not read, or a draft they may not edit —
 * is a 404 like one that does not exist; an action they may not take is a 403 (401 when nobody
 * is logged in).
 */
export async function requireMeetingAccess(
  db: Db,
  request: FastifyRequest,
  id: string,
  action: GroupAction | 'event.read'
): Promise<MeetingAccess> {
  const meeting = await findMeeting(db, id);
  if (!meeting) throw new Problem('not-found');
  const group = await findGroupById(db, meeting.groupId);
  if (!group) throw new Problem('not-found');
  const viewer = await viewerOf(db, group.id, request.caller?.userId ?? null);
  if (!can(viewer, group, 'group.read')) throw new Problem('not-found');
  if (meeting.status === 'draft' && !can(viewer, group, 'event.create')) {
    throw new Problem('not-found');
  }
  if (action !== 'event.read' && !can(viewer, group, action)) {
    throw new Problem(viewer.userId ? 'forbidden' : 'unauthorized');
  }
  return { meeting, group, viewer };
}

/** The state shown for a meeting: published meetings that have ended are "past". */
export function meetingState(meeting: Meeting, now = new Date()): (typeof EVENT_STATES)[number] {
  return meeting.status === 'published' && isPast(meeting, now) ? 'past' : meeting.status;
}

function seats(meeting: Meeting) {
  return {
    capacity: meeting.capacity,
    taken: meeting.goingSeats,
    left: meeting.capacity === null ? null : Math.max(0, meeting.capacity - meeting.goingSeats),
    waiting: meeting.waitlistCount
  };
}

function myRsvp(rsvp: Rsvp | null) {
  return rsvp
    ? {
        status: rsvp.status,
        guests: rsvp.guests,
        waitlistPosition: rsvp.waitlistPosition,
        checkInCode: rsvp.checkInCode,
        checkedIn: rsvp.checkedInAt !== null
      }
    : null;
}

/** A meeting in a list: when, where, seats, and the viewer's own answer. */
export function presentMeetingSummary(
  meeting: Meeting,
  group: Pick<Group, 'slug' | 'name'>,
  venue: Pick<Venue, 'name'> | null,
  rsvp: Rsvp | null
) {
  return jsonDates({
    id: meeting.id,
    group: { slug: group.slug, name: group.name },
    seriesId: meeting.seriesId,
    title: meeting.title,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    timeZone: meeting.timeZone,
    status: meetingState(meeting),
    cancelReason: meeting.cancelReason,
    online: meeting.onlineUrl !== null,
    venueName: venue?.name ?? null,
    seats: seats(meeting),
    myRsvp: myRsvp(rsvp)
  });
}

/**
 * A meeting for one viewer. The online link reaches only people going and those who run the
 * meeting — never the page of someone waiting, a member who did not answer, or a visitor.
 */
export async function presentMeetingFor(db: Db, access: MeetingAccess, rsvp: Rsvp | null) {
  const { meeting, group, viewer } = access;
  const [venue] = meeting.venueId ? await findVenues(db, [meeting.venueId]) : [];
  const sponsors = await sponsorsOfEvent(db, meeting.id);
  const runs = can(viewer, group, 'event.create');
  const going = rsvp?.status === 'going';
  return jsonDates({
    ...presentMeetingSummary(meeting, group, venue ?? null, rsvp),
    description: meeting.description,
    descriptionHtml: renderMarkdown(meeting.description),
    venue: venue ?? null,
    onlineUrl: going || runs ? meeting.onlineUrl : null,
    guestLimit: meeting.guestLimit,
    rsvpOpensAt: meeting.rsvpOpensAt,
    rsvpClosesAt: meeting.rsvpClosesAt,
    rsvpOpen: rsvpWindow(meeting) === null,
    sponsors,
    sequence: meeting.sequence,
    viewer: {
      canRsvp: can(viewer, group, 'event.rsvp') && rsvpWindow(meeting) === null,
      canEdit: runs && meeting.status !== 'cancelled',
      canCheckIn: can(viewer, group, 'event.checkIn')
    },
    createdAt: meeting.createdAt,
    updatedAt: meeting.updatedAt,
    publishedAt: meeting.publishedAt
  });
}

/** Maps a refused meeting or RSVP change onto its problem response. */
export function meetingProblem(error: unknown): never {
  if (error instanceof MeetingError) {
    if (error.field) throw fieldProblem(error.field, error.problem);
    throw new Problem('conflict', { detail: error.problem });
  }
  if (error instanceof RsvpError) {
    if (error.problem === 'notFound') throw new Problem('not-found');
    if (error.problem === 'tooManyGuests') throw fieldProblem('guests', 'tooManyGuests');
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}
