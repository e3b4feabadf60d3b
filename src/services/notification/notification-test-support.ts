// Fixtures for the notification tests: groups, memberships and activities as rows.
import type { Db } from '../../db/database.ts';
import { recordActivity } from '../activity/activity.service.ts';
import type {
  ActivityKind,
  ActivityPayloads,
  GroupRef,
  PersonRef
} from '../activity/activity-types.ts';

/** Inserts a public, open group. */
export async function insertGroup(db: Db, id: string): Promise<GroupRef> {
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('groups')
    .values({
      id,
      slug: id,
      name: `Group ${id}`,
      kind: 'meetup',
      city: null,
      country: null,
      latitude: null,
      longitude: null,
      time_zone: 'Europe/Berlin',
      website_url: null,
      chat_url: null,
      code_of_conduct_url: null,
      visibility: 'public',
      join_policy: 'open',
      network_id: null,
      created_by: null,
      created_at: at,
      updated_at: at
    })
    .execute();
  return { id, slug: id, name: `Group ${id}` };
}

/** Adds (or changes) a membership. */
export async function setMembership(
  db: Db,
  groupId: string,
  userId: string,
  role = 'member',
  status = 'active'
): Promise<void> {
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('memberships')
    .values({ group_id: groupId, user_id: userId, role, status, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ role, status }))
    .execute();
}

export function person(id: string): PersonRef {
  return { id, handle: id.replace(/[^a-z0-9]/gi, '').toLowerCase(), displayName: `User ${id}` };
}

/** Records an activity outside any other write (as a producer's transaction would). */
export async function addActivity<K extends ActivityKind>(
  db: Db,
  kind: K,
  groupId: string | null,
  actorId: string | null,
  payload: ActivityPayloads[K],
  subject: { type: string; id: string } = { type: 'post', id: 'p1' }
): Promise<string> {
  return recordActivity(db.kysely, {
    kind,
    groupId,
    actorId,
    subjectType: subject.type,
    subjectId: subject.id,
    payload
  });
}

/** A post.created payload. */
export function postPayload(
  group: GroupRef,
  authorId: string,
  mentions: string[] = [],
  postId = 'p1'
): ActivityPayloads['post.created'] {
  return {
    group,
    post: {
      id: postId,
      kind: 'discussion',
      title: `Post ${postId}`,
      excerpt: 'Hello there',
      authorId,
      path: `/groups/${group.slug}/board/${postId}`
    },
    author: person(authorId),
    mentions
  };
}

/** Inserts a post and a comment row (for replies to a comment). */
export async function insertPostWithComment(
  db: Db,
  groupId: string,
  postId: string,
  postAuthor: string,
  commentId: string,
  commentAuthor: string
): Promise<void> {
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('posts')
    .values({
      id: postId,
      group_id: groupId,
      author_id: postAuthor,
      kind: 'discussion',
      title: `Post ${postId}`,
      body: 'Body',
      link_url: null,
      link_title: null,
      link_description: null,
      link_status: null,
      status: 'visible',
      solved_at: null,
      pinned_at: null,
      expires_at: null,
      created_at: at,
      updated_at: at,
      edited_at: null
    })
    .execute();
  await db.kysely
    .insertInto('post_comments')
    .values({
      id: commentId,
      post_id: postId,
      parent_id: null,
      author_id: commentAuthor,
      body: 'First!',
      status: 'visible',
      created_at: at,
      updated_at: at,
      edited_at: null
    })
    .execute();
}
