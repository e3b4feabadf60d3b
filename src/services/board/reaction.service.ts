// Reactions to posts and comments: one row per (subject, member, reaction), so adding one twice
// or taking back one that is not there changes nothing.
import type { Db } from '../../db/database.ts';
import type { Reader } from './post.service.ts';
import { kyselyOf } from './post.service.ts';

export const REACTIONS = ['thumbs_up', 'heart', 'celebrate', 'insightful', 'thanks'] as const;
export type Reaction = (typeof REACTIONS)[number];
export type ReactionSubject = 'post' | 'comment';

/** One reaction's count on a subject and whether the viewer gave it. */
export interface ReactionCount {
  reaction: Reaction;
  count: number;
  mine: boolean;
}

/** Adds `userId`'s reaction (idempotent). */
export async function addReaction(
  db: Db,
  subject: { type: ReactionSubject; id: string },
  userId: string,
  reaction: Reaction,
  now = new Date()
): Promise<void> {
  await db.kysely
    .insertInto('reactions')
    .values({
      subject_type: subject.type,
      subject_id: subject.id,
      user_id: userId,
      reaction,
      created_at: now.toISOString()
    })
    .onConflict((oc) =>
      oc.columns(['subject_type', 'subject_id', 'user_id', 'reaction']).doNothing()
    )
    .execute();
}

/** Takes back `userId`'s reaction (idempotent). */
export async function removeReaction(
  db: Db,
  subject: { type: ReactionSubject; id: string },
  userId: string,
  reaction: Reaction
): Promise<void> {
  await db.kysely
    .deleteFrom('reactions')
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .where('user_id', '=', userId)
    .where('reaction', '=', reaction)
    .execute();
}

/** The counts of every reaction (in the order of REACTIONS) per subject id, with the viewer's. */
export async function reactionCounts(
  db: Reader,
  type: ReactionSubject,
  ids: readonly string[],
  viewerId: string | null
): Promise<Map<string, ReactionCount[]>> {
  const result = new Map<string, ReactionCount[]>();
  if (ids.length === 0) return result;
  const k = kyselyOf(db);
  const counts = await k
    .selectFrom('reactions')
    .select(['subject_id', 'reaction', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('subject_type', '=', type)
    .where('subject_id', 'in', ids)
    .groupBy(['subject_id', 'reaction'])
    .execute();
  const mine =
    viewerId === null
      ? []
      : await k
          .selectFrom('reactions')
          .select(['subject_id', 'reaction'])
          .where('subject_type', '=', type)
          .where('subject_id', 'in', ids)
          .where('user_id', '=', viewerId)
          .execute();
  const mineSet = new Set(mine.map((m) => `${m.subject_id} ${m.reaction}`));
  const countOf = new Map(counts.map((c) => [`${c.subject_id} ${c.reaction}`, Number(c.n)]));
  for (const id of ids) {
    result.set(
      id,
      REACTIONS.map((reaction) => ({
        reaction,
        count: countOf.get(`${id} ${reaction}`) ?? 0,
        mine: mineSet.has(`${id} ${reaction}`)
      }))
    );
  }
  return result;
}
