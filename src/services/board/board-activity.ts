// What the board tells the activity outbox: who wrote, about which post, and whom they mentioned.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { markdownExcerpt } from '../../domain/markdown.ts';
import { extractMentions } from '../../domain/mentions.ts';
import type { GroupRef, PersonRef, PostRef } from '../activity/activity.service.ts';
import type { Post } from './post.service.ts';

/** How long an activity's excerpt is. */
const EXCERPT_LENGTH = 300;

/** The site-relative path of a post's page. */
export function postPath(groupSlug: string, postId: string): string {
  return `/groups/${groupSlug}/board/${postId}`;
}

/** A post as activities name it. */
export function postRefOf(post: Post, groupSlug: string): PostRef {
  return {
    id: post.id,
    kind: post.kind,
    title: post.title,
    excerpt: markdownExcerpt(post.body, EXCERPT_LENGTH),
    authorId: post.authorId,
    path: postPath(groupSlug, post.id)
  };
}

/** The group and the author as activities name them, read inside the transaction. */
export async function refsOf(
  trx: Kysely<Database>,
  groupId: string,
  userId: string
): Promise<{ group: GroupRef; author: PersonRef }> {
  const group = await trx
    .selectFrom('groups')
    .select(['id', 'slug', 'name'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  const user = await trx
    .selectFrom('users')
    .select(['id', 'handle', 'name'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return { group, author: { id: user.id, handle: user.handle, displayName: user.name } };
}

/**
 * The ids of the active members of `groupId` that `text` mentions by @handle (see
 * `extractMentions`), in order of mention; the writer never mentions themselves.
 */
export async function resolveMentions(
  trx: Kysely<Database>,
  groupId: string,
  text: string,
  authorId: string
): Promise<string[]> {
  const handles = extractMentions(text);
  if (handles.length === 0) return [];
  const rows = await trx
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id', 'users.handle'])
    .where('memberships.group_id', '=', groupId)
    .where('memberships.status', '=', 'active')
    .where('users.handle', 'in', handles)
    .execute();
  const byHandle = new Map(rows.map((r) => [r.handle, r.id]));
  return handles
    .map((h) => byHandle.get(h))
    .filter((id): id is string => id !== undefined && id !== authorId);
}
