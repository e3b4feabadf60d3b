import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/database.ts';

/** Inserts a notification for `userId` and returns its id. */
export async function insertNotification(
  db: Db,
  userId: string,
  options: { title?: string; at?: Date; read?: boolean; kind?: string } = {}
): Promise<string> {
  const id = randomUUID();
  await db.kysely
    .insertInto('notifications')
    .values({
      id,
      user_id: userId,
      activity_id: null,
      kind: options.kind ?? 'post',
      group_id: null,
      actor_id: null,
      subject_type: 'post',
      subject_id: 'p',
      payload: JSON.stringify({
        text: 'post',
        title: options.title ?? 'Hello',
        excerpt: 'Some words',
        path: '/groups/g/board/p',
        actor: { id: 'x', handle: 'grace', displayName: 'Grace' },
        group: { id: 'g', slug: 'g', name: 'Rust Berlin' }
      }),
      delivery: 'in_app',
      created_at: (options.at ?? new Date()).toISOString(),
      read_at: options.read ? new Date().toISOString() : null,
      mailed_at: null
    })
    .execute();
  return id;
}
