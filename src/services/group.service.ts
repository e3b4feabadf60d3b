import { randomUUID } from 'node:crypto';
import type {
  ExpressionBuilder,
  Selectable,
  SqlBool,
  Expression,
  Transaction,
  Updateable
} from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, GroupsTable, MembershipsTable } from '../db/schema.ts';
import { dbBool, parseJsonList, toBool, toDate } from '../db/values.ts';
import { markdownExcerpt } from '../domain/markdown.ts';
import type {
  AdminHide,
  GroupKind,
  JoinPolicy,
  MembershipStatus,
  Role,
  Viewer,
  Visibility
} from '../domain/group-policy.ts';
import { normalizeTags } from '../domain/tags.ts';
import { isUniqueViolation } from './profile.service.ts';
import { recordAudit } from './audit.service.ts';
import { resolvePlace } from './place.service.ts';
import { logMembershipChange } from './membership.service.ts';

/** A group as stored, with JSON columns parsed. */
export interface Group {
  id: string;
  slug: string;
  name: string;
  kind: GroupKind;
  description: string;
  /** Plain text from the description, at most 200 characters. */
  excerpt: string;
  tags: string[];
  city: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  onlineOnly: boolean;
  timeZone: string;
  websiteUrl: string | null;
  chatUrl: string | null;
  codeOfConductUrl: string | null;
  visibility: Visibility;
  joinPolicy: JoinPolicy;
  joinQuestions: string[];
  networkId: string | null;
  memberCount: number;
  createdAt: Date;
  /** The rules of its topic votes (Community of Practice). */
  practice: PracticeSettings;
  /** Its Slack-compatible chat link; the secret never leaves the server. */
  chat: { webhookUrl: string | null; signingSecret: string | null };
  /** Set while an instance admin has hidden the group from this instance (see `AdminHide`). */
  hiddenByAdmin: AdminHide | null;
}

/** How a group's dot-voting rounds work; each round keeps the values it opened with. */
export interface PracticeSettings {
  votesPerMember: number;
  votesPerTopic: number;
  agendaTopics: number;
  tallyVisibility: 'live' | 'hidden';
}

/** Input for creating a group; optional fields have sensible defaults. */
export interface GroupInput {
  slug: string;
  name: string;
  kind: GroupKind;
  description?: string | undefined;
  tags?: string[] | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  onlineOnly?: boolean | undefined;
  timeZone: string;
  websiteUrl?: string | null | undefined;
  chatUrl?: string | null | undefined;
  codeOfConductUrl?: string | null | undefined;
  visibility: Visibility;
  joinPolicy: JoinPolicy;
  joinQuestions?: string[] | undefined;
  votesPerMember?: number | undefined;
  votesPerTopic?: number | undefined;
  agendaTopics?: number | undefined;
  tallyVisibility?: 'live' | 'hidden' | undefined;
  chatWebhookUrl?: string | null | undefined;
  chatSigningSecret?: string | null | undefined;
}

export class SlugTakenError extends Error {
  constructor() {
    super('slug taken');
    this.name = 'SlugTakenError';
  }
}

export function presentGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind === 'practice' ? 'practice' : 'meetup',
    description: row.description,
    excerpt: row.excerpt || (row.description ? markdownExcerpt(row.description) : ''),
    tags: parseJsonList(row.tags),
    city: row.city,
    country: row.country,
    latitude: row.latitude,
    longitude: row.longitude,
    onlineOnly: toBool(row.online_only),
    timeZone: row.time_zone,
    websiteUrl: row.website_url,
    chatUrl: row.chat_url,
    codeOfConductUrl: row.code_of_conduct_url,
    visibility: row.visibility as Visibility,
    joinPolicy: row.join_policy as JoinPolicy,
    joinQuestions: parseJsonList(row.join_questions),
    networkId: row.network_id,
    memberCount: row.member_count,
    createdAt: toDate(row.created_at),
    practice: {
      votesPerMember: row.votes_per_member,
      votesPerTopic: row.votes_per_topic,
      agendaTopics: row.agenda_topics,
      tallyVisibility: row.tally_visibility === 'hidden' ? 'hidden' : 'live'
    },
    chat: { webhookUrl: row.chat_webhook_url, signingSecret: row.chat_signing_secret },
    hiddenByAdmin: adminHideOf(row)
  };
}

/** An admin's takedown from a group row (null: the group is not hidden from the instance). */
export function adminHideOf(
  row: Pick<Selectable<GroupsTable>, 'hidden_by_admin_at' | 'hidden_by_admin_reason'>
): AdminHide | null {
  return row.hidden_by_admin_at === null
    ? null
    : { at: toDate(row.hidden_by_admin_at), reason: row.hidden_by_admin_reason ?? '' };
}

function columns(db: Db, input: Partial<GroupInput>): Updateable<GroupsTable> {
  const set: Updateable<GroupsTable> = {};
  if (input.slug !== undefined) set.slug = input.slug;
  if (input.name !== undefined) set.name = input.name;
  if (input.kind !== undefined) set.kind = input.kind;
  if (input.description !== undefined) {
    set.description = input.description;
    set.excerpt = markdownExcerpt(input.description);
  }
  if (input.tags !== undefined) set.tags = JSON.stringify(normalizeTags(input.tags));
  if (input.city !== undefined) set.city = input.city;
  if (input.country !== undefined) set.country = input.country;
  if (input.latitude !== undefined) set.latitude = input.latitude;
  if (input.longitude !== undefined) set.longitude = input.longitude;
  if (input.onlineOnly !== undefined) set.online_only = dbBool(db, input.onlineOnly);
  if (input.timeZone !== undefined) set.time_zone = input.timeZone;
  if (input.websiteUrl !== undefined) set.website_url = input.websiteUrl;
  if (input.chatUrl !== undefined) set.chat_url = input.chatUrl;
  if (input.codeOfConductUrl !== undefined) set.code_of_conduct_url = input.codeOfConductUrl;
  if (input.visibility !== undefined) set.visibility = input.visibility;
  if (input.joinPolicy !== undefined) set.join_policy = input.joinPolicy;
  if (input.joinQuestions !== undefined) set.join_questions = JSON.stringify(input.joinQuestions);
  if (input.votesPerMember !== undefined) set.votes_per_member = input.votesPerMember;
  if (input.votesPerTopic !== undefined) set.votes_per_topic = input.votesPerTopic;
  if (input.agendaTopics !== undefined) set.agenda_topics = input.agendaTopics;
  if (input.tallyVisibility !== undefined) set.tally_visibility = input.tallyVisibility;
  if (input.chatWebhookUrl !== undefined) set.chat_webhook_url = input.chatWebhookUrl || null;
  if (input.chatSigningSecret !== undefined) {
    set.chat_signing_secret = input.chatSigningSecret || null;
  }
  return set;
}

async function writeTags(
  trx: Transaction<Database>,
  groupId: string,
  tags: string[]
): Promise<void> {
  await trx.deleteFrom('group_tags').where('group_id', '=', groupId).execute();
  const normalized = normalizeTags(tags);
  if (normalized.length > 0) {
    await trx
      .insertInto('group_tags')
      .values(normalized.map((tag) => ({ group_id: groupId, tag })))
      .execute();
  }
}

/**
 * A group's coordinates from its city when it names one but gives none: the most populous place of
 * that name, in its country when it has one. An unknown city leaves the coordinates out.
 */
async function coordinatesOfCity(
  city: string,
  country: string | null | undefined
): Promise<{ latitude: number; longitude: number } | null> {
  const place = await resolvePlace(city, country);
  return place && { latitude: place.latitude, longitude: place.longitude };
}

/**
 * Creates a group with `ownerId` as its owner, in one transaction. A city without coordinates gets
 * the city's coordinates when the place is known; given coordinates (even null) always win.
 */
export async function createGroup(
  db: Db,
  ownerId: string,
  given: GroupInput,
  now = new Date()
): Promise<Group> {
  const located =
    given.city && given.latitude === undefined && given.longitude === undefined
      ? await coordinatesOfCity(given.city, given.country)
      : null;
  const input = located ? { ...given, ...located } : given;
  const id = randomUUID();
  const at = now.toISOString();
  try {
    await db.kysely.transaction().execute(async (trx) => {
      const set = columns(db, input);
      await trx
        .insertInto('groups')
        .values({
          id,
          slug: input.slug,
          name: input.name,
          kind: input.kind,
          time_zone: input.timeZone,
          visibility: input.visibility,
          join_policy: input.joinPolicy,
          ...set,
          online_only: dbBool(db, input.onlineOnly ?? false),
          member_count: 1,
          created_by: ownerId,
          created_at: at,
          updated_at: at
        })
        .execute();
      await writeTags(trx, id, input.tags ?? []);
      await trx
        .insertInto('memberships')
        .values({
          group_id: id,
          user_id: ownerId,
          role: 'owner',
          status: 'active',
          created_at: at,
          updated_at: at
        })
        .execute();
      await logMembershipChange(trx, id, ownerId, 1, now);
      await recordAudit(trx, {
        groupId: id,
        actorId: ownerId,
        action: 'group.created',
        details: { slug: input.slug }
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new SlugTakenError();
    throw error;
  }
  const group = await findGroupBySlug(db, input.slug);
  if (!group) throw new Error('group vanished after creation');
  return group;
}

/**
 * The changes with coordinates from the city, when the city or country changes without new
 * coordinates: the new place's, or none when it is unknown (the old ones were another place's).
 * A group that keeps its place keeps its coordinates, and gets some if it had none.
 */
async function locateChanges(
  group: Group,
  changes: Partial<GroupInput>
): Promise<Partial<GroupInput>> {
  if (changes.latitude !== undefined || changes.longitude !== undefined) return changes;
  if (changes.city === undefined && changes.country === undefined) return changes;
  const city = changes.city === undefined ? group.city : changes.city;
  const country = changes.country === undefined ? group.country : changes.country;
  const moved = city !== group.city || country !== group.country;
  if (!city || (!moved && group.latitude !== null)) return changes;
  const located = await coordinatesOfCity(city, country);
  if (located) return { ...changes, ...located };
  return moved && group.latitude !== null
    ? { ...changes, latitude: null, longitude: null }
    : changes;
}

/**
 * Changes a group's settings; tags are normalized; a taken slug raises SlugTakenError. A new city
 * without coordinates brings its own (see `locateChanges`).
 */
export async function updateGroup(
  db: Db,
  group: Group,
  actorId: string,
  requested: Partial<GroupInput>
): Promise<Group> {
  const changes = await locateChanges(group, requested);
  try {
    await db.kysely.transaction().execute(async (trx) => {
      const set = columns(db, changes);
      await trx
        .updateTable('groups')
        .set({ ...set, updated_at: new Date().toISOString() })
        .where('id', '=', group.id)
        .execute();
      if (changes.tags !== undefined) await writeTags(trx, group.id, changes.tags);
      await recordAudit(trx, {
        groupId: group.id,
        actorId,
        action: 'group.updated',
        details: { fields: Object.keys(changes) }
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new SlugTakenError();
    throw error;
  }
  const updated = await findGroupById(db, group.id);
  if (!updated) throw new Error('group vanished during update');
  return updated;
}

export async function findGroupBySlug(db: Db, slug: string): Promise<Group | undefined> {
  const row = await db.kysely
    .selectFrom('groups')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row ? presentGroup(row) : undefined;
}

export async function findGroupById(db: Db, id: string): Promise<Group | undefined> {
  const row = await db.kysely
    .selectFrom('groups')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? presentGroup(row) : undefined;
}

/**
 * The groups with these ids (in no particular order; unknown ids are left out), in one query — for
 * lists that show each item's group, so they do not read the groups one by one.
 *
 * @example
 * const groups = new Map((await findGroupsByIds(db, meetings.map((m) => m.groupId))).map((g) => [g.id, g]));
 */
export async function findGroupsByIds(db: Db, ids: readonly string[]): Promise<Group[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.kysely.selectFrom('groups').selectAll().where('id', 'in', unique).execute();
  return rows.map(presentGroup);
}

/** The viewer's standing in a group: admin flag and membership. */
export async function viewerOf(db: Db, groupId: string, userId: string | null): Promise<Viewer> {
  if (!userId) return { userId: null, isAdmin: false, membership: null };
  const row = await db.kysely
    .selectFrom('users')
    .leftJoin('memberships', (join) =>
      join.onRef('memberships.user_id', '=', 'users.id').on('memberships.group_id', '=', groupId)
    )
    .select(['users.is_admin', 'memberships.role', 'memberships.status'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row) return { userId: null, isAdmin: false, membership: null };
  return {
    userId,
    isAdmin: toBool(row.is_admin),
    membership:
      row.role && row.status
        ? { role: row.role as Role, status: row.status as MembershipStatus }
        : null
  };
}

export type MembershipRow = Selectable<MembershipsTable>;

/**
 * The groups a user belongs to or asked to join, by name. A request to a group an admin hid from
 * the instance is left out: the group is not there for applicants while it is hidden.
 */
export async function myGroups(
  db: Db,
  userId: string
): Promise<{ group: Group; role: Role; status: 'active' | 'pending' }[]> {
  const rows = await db.kysely
    .selectFrom('memberships as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .selectAll('g')
    .select(['m.role as membership_role', 'm.status as membership_status'])
    .where('m.user_id', '=', userId)
    .where((eb) =>
      eb.or([eb('m.status', '=', 'active'), eb('m.status', '=', 'pending').and(notHidden(eb))])
    )
    .orderBy('g.name')
    .execute();
  return rows.map((r) => ({
    group: presentGroup(r),
    role: r.membership_role as Role,
    status: r.membership_status === 'active' ? 'active' : 'pending'
  }));
}

type GroupsAsG = ExpressionBuilder<Database & { g: GroupsTable }, 'g'>;

/** Groups an admin has not hidden from the instance, over `groups as g`. */
function notHidden(eb: GroupsAsG): Expression<SqlBool> {
  return eb('g.hidden_by_admin_at', 'is', null);
}

/**
 * A filter for the groups anyone may discover, over `groups as g`: hidden groups only for their
 * members and applicants; groups an admin hid from the instance for nobody — not even their members,
 * who reach them through their own groups (instance admins see everything: they skip this filter).
 * A cheap check of the group's own row (and of the covering location index): the query keeps its
 * shape.
 *
 * @example
 * db.kysely.selectFrom('groups as g').selectAll('g').where(visibleTo(viewer.userId));
 */
export function visibleTo(userId: string | null) {
  return (eb: GroupsAsG): Expression<SqlBool> =>
    eb.and([
      notHidden(eb),
      eb.or([
        eb('g.visibility', '!=', 'hidden'),
        eb.exists(
          eb
            .selectFrom('memberships as m')
            .select('m.user_id')
            .whereRef('m.group_id', '=', 'g.id')
            .where('m.user_id', '=', userId ?? '')
            .where('m.status', 'in', ['active', 'pending'])
        )
      ])
    ]);
}
