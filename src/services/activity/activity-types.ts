// What an activity says, per kind. Producers record one inside the transaction that made the
// change (`recordActivity`); after the commit, dispatch hands it to every consumer
// (notifications, webhooks). Payloads carry what consumers show or send — names, titles and
// site-relative paths — so a consumer needs no second read to describe the change.

/** A group as activities name it. */
export interface GroupRef {
  id: string;
  slug: string;
  name: string;
}

/** A person as activities name them. */
export interface PersonRef {
  id: string;
  handle: string;
  displayName: string;
}

/** A meeting as activities name it; `path` is site-relative (`/groups/x/events/id`). */
export interface MeetingRef {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  path: string;
}

export type PostKind = 'help' | 'job' | 'announcement' | 'discussion' | 'kudos';

export interface PostRef {
  id: string;
  kind: PostKind;
  title: string;
  /** The first few hundred characters of the body as plain text. */
  excerpt: string;
  authorId: string | null;
  path: string;
}

/** Every activity kind and its payload. */
export interface ActivityPayloads {
  'member.joined': { group: GroupRef; member: PersonRef };
  'meeting.published': { group: GroupRef; meeting: MeetingRef };
  'meeting.changed': { group: GroupRef; meeting: MeetingRef; changed: string[] };
  'meeting.cancelled': { group: GroupRef; meeting: MeetingRef };
  'rsvp.changed': {
    group: GroupRef;
    meeting: MeetingRef;
    member: PersonRef;
    status: 'going' | 'waitlisted' | 'not_going';
  };
  'round.opened': {
    group: GroupRef;
    roundId: string;
    meeting: MeetingRef;
    /** When voting ends (ISO 8601). */
    closesAt: string;
  };
  'round.closed': {
    group: GroupRef;
    roundId: string;
    meeting: MeetingRef | null;
    picked: { id: string; title: string }[];
  };
  'post.created': { group: GroupRef; post: PostRef; author: PersonRef; mentions: string[] };
  'comment.created': {
    group: GroupRef;
    post: PostRef;
    comment: { id: string; parentId: string | null; excerpt: string };
    author: PersonRef;
    /** User ids mentioned by @handle in the comment (members of the group only). */
    mentions: string[];
  };
  'report.created': {
    group: GroupRef | null;
    report: { id: string; subjectType: 'post' | 'comment' | 'profile'; reason: string };
  };
  'member.warned': { group: GroupRef | null; userId: string; message: string };
}

export type ActivityKind = keyof ActivityPayloads;

export const ACTIVITY_KINDS = [
  'member.joined',
  'meeting.published',
  'meeting.changed',
  'meeting.cancelled',
  'rsvp.changed',
  'round.opened',
  'round.closed',
  'post.created',
  'comment.created',
  'report.created',
  'member.warned'
] as const satisfies readonly ActivityKind[];

/** One recorded activity as consumers get it. */
export type Activity = {
  [K in ActivityKind]: {
    id: string;
    kind: K;
    groupId: string | null;
    actorId: string | null;
    subjectType: string;
    subjectId: string;
    payload: ActivityPayloads[K];
    createdAt: Date;
  };
}[ActivityKind];
