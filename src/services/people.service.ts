import type { Db } from '../db/database.ts';
import { parseJsonList, toBool } from '../db/values.ts';
import { renderMarkdown } from '../domain/markdown.ts';

/** A person's public profile, as anyone may see it. */
export interface PublicProfile {
  id: string;
  displayName: string;
  handle: string;
  /** Markdown source. */
  bio: string;
  /** Sanitized HTML rendered from `bio`. */
  bioHtml: string;
  city: string | null;
  tags: string[];
  /** The public groups they are an active member of, by name. */
  groups: { slug: string; name: string }[];
  /** Only when the viewer shares an active membership in some group with them; else undefined. */
  openToWork: boolean | undefined;
}

/**
 * The public profile of the account with `handle`, or undefined for an unknown handle.
 * `openToWork` is told only to people who are active members of a group with them.
 *
 * @example
 * const person = await publicProfile(db, 'ada', viewerId); // { displayName, groups, … }
 */
export async function publicProfile(
  db: Db,
  handle: string,
  viewerId: string | null
): Promise<PublicProfile | undefined> {
  const user = await db.kysely
    .selectFrom('users')
    .select(['id', 'name', 'handle', 'bio', 'city', 'tags', 'open_to_work'])
    .where('handle', '=', handle.toLowerCase())
    .executeTakeFirst();
  if (!user) return undefined;
  const groups = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['g.slug', 'g.name'])
    .where('m.user_id', '=', user.id)
    .where('m.status', '=', 'active')
    .where('g.visibility', '=', 'public')
    .where('g.hidden_by_admin_at', 'is', null)
    .orderBy('g.name')
    .orderBy('g.slug')
    .execute();
  const shares =
    viewerId !== null &&
    (viewerId === user.id ||
      (await db.kysely
        .selectFrom('memberships as theirs')
        .innerJoin('memberships as mine', 'mine.group_id', 'theirs.group_id')
        .select('theirs.group_id')
        .where('theirs.user_id', '=', user.id)
        .where('theirs.status', '=', 'active')
        .where('mine.user_id', '=', viewerId)
        .where('mine.status', '=', 'active')
        .executeTakeFirst()) !== undefined);
  return {
    id: user.id,
    displayName: user.name,
    handle: user.handle,
    bio: user.bio,
    bioHtml: renderMarkdown(user.bio),
    city: user.city,
    tags: parseJsonList(user.tags),
    groups: groups.map((g) => ({ slug: g.slug, name: g.name })),
    openToWork: shares ? toBool(user.open_to_work) : undefined
  };
}
