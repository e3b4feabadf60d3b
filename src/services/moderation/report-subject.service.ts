import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { markdownExcerpt } from '../../domain/markdown.ts';

/** What can be reported. */
export const REPORT_SUBJECT_TYPES = ['post', 'comment', 'profile'] as const;
export type ReportSubjectType = (typeof REPORT_SUBJECT_TYPES)[number];

/** How a post or comment stands on the board; profiles are always `visible`. */
export type SubjectStatus = 'visible' | 'hidden' | 'removed';

/** A reported thing as moderation sees it: where it lives, whose it is, what it says. */
export interface ReportSubject {
  type: ReportSubjectType;
  /** The post's, comment's or user's id (profiles are stored by user id, never by handle). */
  id: string;
  /** The post's or comment's group; null for profiles. */
  group: { id: string; slug: string; name: string } | null;
  /** The author of the post or comment, or the profile's user; null when the account is gone. */
  authorId: string | null;
  status: SubjectStatus;
  /** A post's title; a profile's display name; null for comments. */
  title: string | null;
  /** Plain text: the post's or comment's body, the profile's bio (cut at 200 characters). */
  excerpt: string;
  /** Site-relative path of the page that shows it. */
  path: string;
  /** The post a comment belongs to (its status and author decide who may see the comment). */
  post: { id: string; status: SubjectStatus; authorId: string | null } | null;
}

const statusOf = (value: string): SubjectStatus =>
  value === 'hidden' || value === 'removed' ? value : 'visible';

/**
 * Loads a report's subject. A profile is found by user id or by handle; `lock` (PostgreSQL)
 * locks its row until the transaction ends, so reports on one subject are written one at a time.
 */
export async function findReportSubject(
  k: Kysely<Database>,
  type: ReportSubjectType,
  id: string,
  options: { lock?: boolean } = {}
): Promise<ReportSubject | undefined> {
  switch (type) {
    case 'post': {
      let query = k
        .selectFrom('posts as p')
        .innerJoin('groups as g', 'g.id', 'p.group_id')
        .select(['p.id', 'p.author_id', 'p.status', 'p.title', 'p.body'])
        .select(['g.id as group_id', 'g.slug', 'g.name'])
        .where('p.id', '=', id);
      if (options.lock) query = query.forUpdate('p');
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      return {
        type,
        id: row.id,
        group: { id: row.group_id, slug: row.slug, name: row.name },
        authorId: row.author_id,
        status: statusOf(row.status),
        title: row.title,
        excerpt: markdownExcerpt(row.body),
        path: `/groups/${row.slug}/board/${row.id}`,
        post: null
      };
    }
    case 'comment': {
      let query = k
        .selectFrom('post_comments as c')
        .innerJoin('posts as p', 'p.id', 'c.post_id')
        .innerJoin('groups as g', 'g.id', 'p.group_id')
        .select(['c.id', 'c.author_id', 'c.status', 'c.body'])
        .select(['p.id as post_id', 'p.status as post_status', 'p.author_id as post_author_id'])
        .select(['g.id as group_id', 'g.slug', 'g.name'])
        .where('c.id', '=', id);
      if (options.lock) query = query.forUpdate('c');
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      return {
        type,
        id: row.id,
        group: { id: row.group_id, slug: row.slug, name: row.name },
        authorId: row.author_id,
        status: statusOf(row.status),
        title: null,
        excerpt: markdownExcerpt(row.body),
        path: `/groups/${row.slug}/board/${row.post_id}#comment-${row.id}`,
        post: {
          id: row.post_id,
          status: statusOf(row.post_status),
          authorId: row.post_author_id
        }
      };
    }
    case 'profile': {
      let query = k
        .selectFrom('users')
        .select(['id', 'name', 'handle', 'bio'])
        .where((eb) => eb.or([eb('id', '=', id), eb('handle', '=', id.toLowerCase())]));
      if (options.lock) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      return {
        type,
        id: row.id,
        group: null,
        authorId: row.id,
        status: 'visible',
        title: row.name,
        excerpt: markdownExcerpt(row.bio),
        path: `/people/${row.handle}`,
        post: null
      };
    }
  }
}

/**
 * Whether someone sees a post or comment on the board: visible ones all who read the group,
 * hidden ones their author and moderators, removed ones nobody. A comment also needs its post.
 */
export function subjectVisibleTo(
  subject: ReportSubject,
  userId: string | null,
  moderates: boolean
): boolean {
  const sees = (status: SubjectStatus, authorId: string | null) =>
    status === 'visible' ||
    (status === 'hidden' && (moderates || (userId !== null && authorId === userId)));
  if (!sees(subject.status, subject.authorId)) return false;
  return subject.post === null || sees(subject.post.status, subject.post.authorId);
}
