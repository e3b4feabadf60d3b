// Fixtures for webhook and link-preview tests: a group, activities, posts with links.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { dispatchActivities, recordActivity } from '../activity/activity.service.ts';
import { createGroup } from '../group.service.ts';
import { webhookConsumer } from './webhook-consumer.ts';

export const TEST_BASE_URL = 'http://guildhall.test';

let counter = 0;

/** A public open group owned by `ownerId`. */
export async function makeGroup(db: Db, ownerId: string) {
  counter += 1;
  return createGroup(db, ownerId, {
    slug: `hooks-${counter}-${randomUUID().slice(0, 6)}`,
    name: `Hooks ${counter}`,
    kind: 'meetup',
    timeZone: 'Europe/Berlin',
    visibility: 'public',
    joinPolicy: 'open'
  });
}

/** Records a `member.joined` activity in the group and dispatches it to the webhook consumer. */
export async function joinedActivity(
  db: Db,
  queue: JobQueue,
  group: { id: string; slug: string; name: string },
  member: { id: string; handle: string; displayName: string }
): Promise<string> {
  const id = await writeTransaction(db, (trx) =>
    recordActivity(trx, {
      kind: 'member.joined',
      groupId: group.id,
      actorId: member.id,
      subjectType: 'user',
      subjectId: member.id,
      payload: { group: { id: group.id, slug: group.slug, name: group.name }, member }
    })
  );
  await dispatchActivities(db, [
    webhookConsumer(db, { queue, baseUrl: TEST_BASE_URL, secret: 'x'.repeat(40) })
  ]);
  return id;
}

/** A visible post with a link (`link_status` pending). */
export async function insertPost(db: Db, groupId: string, linkUrl: string): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('posts')
    .values({
      id,
      group_id: groupId,
      author_id: null,
      kind: 'discussion',
      title: 'A link',
      body: 'Look',
      link_url: linkUrl,
      link_title: null,
      link_description: null,
      link_status: 'pending',
      status: 'visible',
      solved_at: null,
      pinned_at: null,
      expires_at: null,
      comment_count: 0,
      created_at: at,
      updated_at: at,
      edited_at: null
    })
    .execute();
  return id;
}
