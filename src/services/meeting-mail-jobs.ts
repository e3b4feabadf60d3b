/**
 * Jobs on the meeting-mail queue. Services enqueue what happened; the job works out, when it
 * runs, who is told (members' mail choices, opt-outs) and renders one mail per person in their
 * language — so a mail never goes to someone who left or opted out in the meantime.
 */
export const MEETING_MAIL_QUEUE = 'meeting-mail';

export type MeetingMailJob =
  /** A meeting was published: members who want every meeting of the group. */
  | { kind: 'announce'; eventId: string }
  /** 24 hours before: everyone going, with the .ics; skipped if the start has moved since. */
  | { kind: 'remind'; eventId: string; startsAt: string }
  /** Seats freed: these people moved from the waitlist to going. */
  | { kind: 'promoted'; eventId: string; userIds: string[] }
  /** Time or place changed: everyone going. */
  | {
      kind: 'changed';
      eventId: string;
      changes: ('time' | 'place')[];
      /** The time before the change, so the mail can say old → new. */
      previous?: { startsAt: string; endsAt: string; timeZone: string };
    }
  /** Cancelled: everyone going or waiting. */
  | { kind: 'cancelled'; eventId: string }
  /** A voting round set the agenda: members who want every meeting of the group (like announce). */
  | { kind: 'agenda'; eventId: string }
  /** An hour after the end (the feedback sweep): those who attended, asking for feedback. */
  | { kind: 'feedback'; eventId: string };
