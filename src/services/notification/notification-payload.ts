import type { Activity } from '../activity/activity-types.ts';
import type { NotificationKind } from './notification-kinds.ts';

/** Which sentence describes a notification (`notifications.text.<key>` in the web and mail catalogs). */
export const NOTIFICATION_TEXTS = [
  'post',
  'postMention',
  'comment',
  'reply',
  'commentMention',
  'meetingPublished',
  'meetingChanged',
  'meetingCancelled',
  'roundOpened',
  'roundClosed',
  'memberJoined',
  'reportCreated',
  'warned'
] as const;
export type NotificationText = (typeof NOTIFICATION_TEXTS)[number];

/**
 * What a notification shows, stored with it as JSON so the list needs no second read: the sentence
 * (`text`, worded by the reader's language with actor, title and group), a short excerpt, and the
 * site-relative path it links to.
 */
export interface NotificationPayload {
  text: NotificationText;
  title: string;
  excerpt: string | null;
  path: string;
  actor: { id: string; handle: string; displayName: string } | null;
  group: { id: string; slug: string; name: string } | null;
}

/** One group of people an activity concerns, told with one kind and one payload. */
export interface Audience {
  kind: NotificationKind;
  payload: NotificationPayload;
  /** Active members of this group only (null: no membership needed). */
  groupId: string | null;
  /** Only these roles of the group (default: every role). */
  roles?: readonly string[];
  /** Only these people (default: everyone the other rules let through). */
  userIds?: readonly string[];
  /** Instance admins (with `groupId` null). */
  admins?: boolean;
  /** Never these people (the actor). */
  exclude: readonly string[];
}

const STAFF = ['owner', 'organizer'] as const;

function groupPath(slug: string): string {
  return `/groups/${encodeURIComponent(slug)}`;
}

/**
 * Who an activity concerns and how each is told, in order of precedence: a person in two
 * audiences is told once, by the first (a mentioned member gets a mention, not also a post).
 * The parent comment's author of a reply is given by `parentAuthorId` (looked up by the caller).
 */
export function audiencesOf(activity: Activity, parentAuthorId: string | null = null): Audience[] {
  const actorExclude = activity.actorId ? [activity.actorId] : [];
  switch (activity.kind) {
    case 'post.created': {
      const { group, post, author, mentions } = activity.payload;
      const base = {
        title: post.title,
        excerpt: post.excerpt || null,
        path: post.path,
        actor: author,
        group
      };
      const exclude = [...actorExclude, author.id];
      return [
        {
          kind: 'mention',
          payload: { ...base, text: 'postMention' },
          groupId: group.id,
          userIds: mentions,
          exclude
        },
        { kind: 'post', payload: { ...base, text: 'post' }, groupId: group.id, exclude }
      ];
    }
    case 'comment.created': {
      const { group, post, comment, author, mentions } = activity.payload;
      const base = {
        title: post.title,
        excerpt: comment.excerpt || null,
        path: `${post.path}#comment-${comment.id}`,
        actor: author,
        group
      };
      const exclude = [...actorExclude, author.id];
      const out: Audience[] = [
        {
          kind: 'mention',
          payload: { ...base, text: 'commentMention' },
          groupId: group.id,
          userIds: mentions,
          exclude
        }
      ];
      if (parentAuthorId) {
        out.push({
          kind: 'reply',
          payload: { ...base, text: 'reply' },
          groupId: group.id,
          userIds: [parentAuthorId],
          exclude
        });
      }
      if (post.authorId) {
        out.push({
          kind: 'reply',
          payload: { ...base, text: 'comment' },
          groupId: group.id,
          userIds: [post.authorId],
          exclude
        });
      }
      return out;
    }
    case 'meeting.published':
    case 'meeting.changed':
    case 'meeting.cancelled': {
      const { group, meeting } = activity.payload;
      const text =
        activity.kind === 'meeting.published'
          ? 'meetingPublished'
          : activity.kind === 'meeting.changed'
            ? 'meetingChanged'
            : 'meetingCancelled';
      return [
        {
          kind: 'meeting',
          payload: {
            text,
            title: meeting.title,
            excerpt: null,
            path: meeting.path,
            actor: null,
            group
          },
          groupId: group.id,
          exclude: actorExclude
        }
      ];
    }
    case 'round.opened': {
      const { group, meeting, roundId } = activity.payload;
      return [
        {
          kind: 'round',
          payload: {
            text: 'roundOpened',
            title: meeting.title,
            excerpt: null,
            path: `${groupPath(group.slug)}/rounds/${encodeURIComponent(roundId)}`,
            actor: null,
            group
          },
          groupId: group.id,
          exclude: actorExclude
        }
      ];
    }
    case 'round.closed': {
      const { group, meeting, picked } = activity.payload;
      return [
        {
          kind: 'round',
          payload: {
            text: 'roundClosed',
            title: meeting?.title ?? group.name,
            excerpt: picked.map((p) => p.title).join(', ') || null,
            path: meeting?.path ?? groupPath(group.slug),
            actor: null,
            group
          },
          groupId: group.id,
          exclude: []
        }
      ];
    }
    case 'member.joined': {
      const { group, member } = activity.payload;
      return [
        {
          kind: 'member',
          payload: {
            text: 'memberJoined',
            title: member.displayName,
            excerpt: null,
            path: `${groupPath(group.slug)}/members`,
            actor: member,
            group
          },
          groupId: group.id,
          roles: STAFF,
          exclude: [member.id]
        }
      ];
    }
    case 'report.created': {
      const { group, report } = activity.payload;
      const payload: NotificationPayload = {
        text: 'reportCreated',
        title: report.subjectType,
        excerpt: report.reason,
        path: group ? `${groupPath(group.slug)}/moderation` : '/admin/moderation',
        actor: null,
        group
      };
      return group
        ? [{ kind: 'report', payload, groupId: group.id, roles: STAFF, exclude: actorExclude }]
        : [{ kind: 'report', payload, groupId: null, admins: true, exclude: actorExclude }];
    }
    case 'member.warned': {
      const { group, userId, message } = activity.payload;
      return [
        {
          kind: 'moderation',
          payload: {
            text: 'warned',
            title: group?.name ?? '',
            excerpt: message || null,
            path: group ? groupPath(group.slug) : '/notifications',
            actor: null,
            group
          },
          groupId: null,
          userIds: [userId],
          exclude: []
        }
      ];
    }
    case 'rsvp.changed':
      return [];
  }
}

/** Reads a stored payload; tolerant of rows written by older code. */
export function parsePayload(json: string): NotificationPayload {
  const value = JSON.parse(json) as Partial<NotificationPayload>;
  return {
    text: value.text ?? 'post',
    title: value.title ?? '',
    excerpt: value.excerpt ?? null,
    path: value.path ?? '/notifications',
    actor: value.actor ?? null,
    group: value.group ?? null
  };
}
