import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { parseJsonList, toDate } from '../db/values.ts';
import { can, type GroupRules, type Viewer } from '../domain/group-policy.ts';
import { pickTopics } from '../domain/voting.ts';
import type { Person } from './person.service.ts';

/** Where a topic stands: open → scheduled (for a meeting) → discussed, or archived / withdrawn. */
export const TOPIC_STATUSES = ['open', 'scheduled', 'discussed', 'archived', 'withdrawn'] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];
/** `present`: the proposer can present it; `explain`: they want someone to explain it. */
export const TOPIC_WANTS = ['present', 'explain'] as const;
export type TopicWants = (typeof TOPIC_WANTS)[number];

/** A link added to a discussed topic. */
export interface TopicLink {
  title: string;
  url: string;
}

/** A backlog topic with its standing in the group's open voting round. */
export interface Topic {
  id: string;
  groupId: string;
  title: string;
  description: string;
  linkUrl: string | null;
  wants: TopicWants;
  status: TopicStatus;
  proposedBy: Person | null;
  event: { id: string; title: string; startsAt: Date; timeZone: string } | null;
  mergedInto: string | null;
  notes: string;
  links: TopicLink[];
  commentCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** Votes in the group's open round; null without an open round or while its tally is hidden. */
  votes: number | null;
  /** The viewer's dots on it in the open round. */
  myVotes: number;
}

/** How a topic did in one closed round it stood in. */
export interface TopicHistoryEntry {
  roundId: string;
  eventId: string;
  eventTitle: string;
  closedAt: Date;
  votes: number;
  rank: number;
  picked: boolean;
}

/** What a member proposes; `linkUrl: null` clears the link. */
export interface TopicInput {
  title: string;
  description?: string | undefined;
  linkUrl?: string | null | undefined;
  wants: TopicWants;
}

export type TopicProblem =
  | 'notFound'
  | 'topicNotOpen'
  | 'topicNotScheduled'
  | 'topicNotCommentable'
  | 'mergeIntoSelf'
  | 'mergeTargetUnknown'
  | 'mergeTargetNotOpen';

/** A refused topic change; routes map it onto a problem response. */
export class TopicError extends Error {
  readonly problem: TopicProblem;
  constructor(problem: TopicProblem) {
    super(problem);
    this.name = 'TopicError';
    this.problem = problem;
  }
}

/** The statuses in which a topic takes comments. */
export const COMMENTABLE_STATUSES: readonly TopicStatus[] = ['open', 'scheduled', 'discussed'];

/** What the viewer may do with a topic (the `viewer` block of the wire shape). */
export interface TopicRights {
  canEdit: boolean;
  canWithdraw: boolean;
  canManage: boolean;
  canComment: boolean;
}

/**
 * The viewer's rights on a topic, whatever its status (`mayEdit`, `mayWithdraw`), and as shown
 * for its current status (`rights`): editing and withdrawing need an open topic.
 */
export function topicRights(
  viewer: Viewer,
  group: GroupRules,
  topic: Pick<Topic, 'status' | 'proposedBy'>
): { mayEdit: boolean; mayWithdraw: boolean; rights: TopicRights } {
  const manage = can(viewer, group, 'topic.manage');
  const proposer =
    viewer.userId !== null &&
    topic.proposedBy?.id === viewer.userId &&
    can(viewer, group, 'topic.propose');
  const open = topic.status === 'open';
  return {
    mayEdit: proposer || manage,
    mayWithdraw: proposer,
    rights: {
      canEdit: open && (proposer || manage),
      canWithdraw: open && proposer,
      canManage: manage,
      canComment: can(viewer, group, 'topic.comment') && COMMENTABLE_STATUSES.includes(topic.status)
    }
  };
}

function baseQuery(k: Kysely<Database>) {
  return k
    .selectFrom('topics as t')
    .leftJoin('users as u', 'u.id', 't.proposed_by')
    .leftJoin('events as e', 'e.id', 't.event_id')
    .selectAll('t')
    .select([
      'u.name as proposer_name',
      'u.handle as proposer_handle',
      'e.title as event_title',
      'e.starts_at as event_starts_at',
      'e.time_zone as event_time_zone'
    ]);
}
type TopicRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function parseLinks(json: string): TopicLink[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.flatMap((v: unknown) => {
      const link = v as Partial<TopicLink> | null;
      return typeof link?.title === 'string' && typeof link.url === 'string'
        ? [{ title: link.title, url: link.url }]
        : [];
    });
  } catch {
    return [];
  }
}

function present(row: TopicRow, votes: number | null, myVotes: number): Topic {
  return {
    id: row.id,
    groupId: row.group_id,
    title: row.title,
    description: row.description,
    linkUrl: row.link_url,
    wants: row.wants as TopicWants,
    status: row.status as TopicStatus,
    proposedBy:
      row.proposed_by && row.proposer_name !== null && row.proposer_handle !== null
        ? { id: row.proposed_by, displayName: row.proposer_name, handle: row.proposer_handle }
        : null,
    event:
      row.event_id && row.event_title !== null && row.event_starts_at && row.event_time_zone
        ? {
            id: row.event_id,
            title: row.event_title,
            startsAt: toDate(row.event_starts_at),
            timeZone: row.event_time_zone
          }
        : null,
    mergedInto: row.merged_into,
    notes: row.notes,
    links: parseLinks(row.links),
    commentCount: row.comment_count,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    votes,
    myVotes
  };
}

/** Presents rows with their votes in the group's open round (read straight from the tables). */
async function presentRows(
  db: Db,
  groupId: string,
  rows: TopicRow[],
  viewerId: string | null
): Promise<Topic[]> {
  const ids = rows.map((r) => r.id);
  const round =
    ids.length === 0
      ? undefined
      : await db.kysely
          .selectFrom('voting_rounds')
          .select(['id', 'tally_visibility'])
          .where('group_id', '=', groupId)
          .where('status', '=', 'open')
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
  if (!round) return rows.map((r) => present(r, null, 0));
  const votesIn = () =>
    db.kysely.selectFrom('votes').where('round_id', '=', round.id).where('topic_id', 'in', ids);
  const sums = async (query: ReturnType<typeof votesIn>): Promise<Map<string, number>> => {
    const found = await query
      .select(['topic_id', (eb) => eb.fn.sum<number | string>('count').as('n')])
      .groupBy('topic_id')
      .execute();
    return new Map(found.map((f) => [f.topic_id, Number(f.n)]));
  };
  const totals = round.tally_visibility === 'hidden' ? null : await sums(votesIn());
  const mine = viewerId
    ? await sums(votesIn().where('user_id', '=', viewerId))
    : new Map<string, number>();
  return rows.map((r) => present(r, totals ? (totals.get(r.id) ?? 0) : null, mine.get(r.id) ?? 0));
}

/** One topic of a group; another group's topic is `undefined`. */
export async function getTopic(
  db: Db,
  groupId: string,
  id: string,
  viewerId: string | null
): Promise<Topic | undefined> {
  const row = await baseQuery(db.kysely)
    .where('t.id', '=', id)
    .where('t.group_id', '=', groupId)
    .executeTakeFirst();
  return row ? (await presentRows(db, groupId, [row], viewerId))[0] : undefined;
}

/** A page boundary in a list of topics: the last proposal time and id seen. */
export interface TopicCursor {
  createdAt: Date;
  id: string;
}

/**
 * A page of a group's topics with one status (or all): open ones oldest proposal first (the
 * backlog's queue), every other list newest first.
 */
export async function listTopics(
  db: Db,
  groupId: string,
  viewerId: string | null,
  options: { status: TopicStatus | 'all'; limit: number; cursor?: TopicCursor | undefined }
): Promise<{ items: Topic[]; next: TopicCursor | null }> {
  const ascending = options.status === 'open';
  let query = baseQuery(db.kysely).where('t.group_id', '=', groupId);
  if (options.status !== 'all') query = query.where('t.status', '=', options.status);
  if (options.cursor) {
    const cmp = sql.raw(ascending ? '>' : '<');
    const at = options.cursor.createdAt.toISOString();
    const id = options.cursor.id;
    query = query.where(
      sql<boolean>`(t.created_at ${cmp} ${at} or (t.created_at = ${at} and t.id ${cmp} ${id}))`
    );
  }
  const direction = ascending ? 'asc' : 'desc';
  const rows = await query
    .orderBy('t.created_at', direction)
    .orderBy('t.id', direction)
    .limit(options.limit + 1)
    .execute();
  const items = await presentRows(db, groupId, rows.slice(0, options.limit), viewerId);
  const last = items.at(-1);
  return {
    items,
    next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null
  };
}

/**
 * The closed rounds a topic stood in (it had votes, or it was picked), newest first, with its
 * votes, its rank among the topics that had votes in that round (by the tie rule of the domain)
 * and whether it was picked for the agenda (an organizer's override counts).
 */
export async function topicHistory(db: Db, topicId: string): Promise<TopicHistoryEntry[]> {
  const self = await db.kysely
    .selectFrom('topics')
    .select('created_at')
    .where('id', '=', topicId)
    .executeTakeFirst();
  if (!self) return [];
  const rounds = await db.kysely
    .selectFrom('voting_rounds as r')
    .innerJoin('events as e', 'e.id', 'r.event_id')
    .select(['r.id', 'r.event_id', 'e.title', 'r.closed_at', 'r.closes_at', 'r.picked'])
    .select('r.agenda_topics')
    .where('r.status', '=', 'closed')
    .where((eb) =>
      eb.or([
        eb(
          'r.id',
          'in',
          eb
            .selectFrom('votes')
            .select('round_id')
            .where('topic_id', '=', topicId)
            .where('count', '>', 0)
        ),
        eb('r.picked', 'like', `%${JSON.stringify(topicId)}%`)
      ])
    )
    .execute();
  if (rounds.length === 0) return [];
  const tallies = await db.kysely
    .selectFrom('votes as v')
    .innerJoin('topics as t', 't.id', 'v.topic_id')
    .select(['v.round_id', 'v.topic_id', 't.created_at'])
    .select((eb) => eb.fn.sum<number | string>('v.count').as('votes'))
    .where(
      'v.round_id',
      'in',
      rounds.map((r) => r.id)
    )
    .groupBy(['v.round_id', 'v.topic_id', 't.created_at'])
    .execute();
  const history = rounds.map((round): TopicHistoryEntry => {
    const candidates = tallies
      .filter((v) => v.round_id === round.id && Number(v.votes) > 0)
      .map((v) => ({ id: v.topic_id, votes: Number(v.votes), proposedAt: toDate(v.created_at) }));
    if (!candidates.some((c) => c.id === topicId)) {
      candidates.push({ id: topicId, votes: 0, proposedAt: toDate(self.created_at) });
    }
    const ranked = pickTopics(candidates, round.agenda_topics).find((c) => c.id === topicId);
    return {
      roundId: round.id,
      eventId: round.event_id,
      eventTitle: round.title,
      closedAt: toDate(round.closed_at ?? round.closes_at),
      votes: ranked?.votes ?? 0,
      rank: ranked?.rank ?? candidates.length,
      picked: parseJsonList(round.picked).includes(topicId)
    };
  });
  return history.sort((a, b) => b.closedAt.getTime() - a.closedAt.getTime());
}

/** Adds a topic to a group's backlog (status open). */
export async function proposeTopic(
  db: Db,
  groupId: string,
  userId: string,
  input: TopicInput,
  now = new Date()
): Promise<Topic> {
  const id = randomUUID();
  const at = now.toISOString();
  await db.kysely
    .insertInto('topics')
    .values({
      id,
      group_id: groupId,
      title: input.title.trim(),
      description: input.description ?? '',
      link_url: input.linkUrl ?? null,
      wants: input.wants,
      status: 'open',
      proposed_by: userId,
      created_at: at,
      updated_at: at
    })
    .execute();
  const topic = await getTopic(db, groupId, id, userId);
  if (!topic) throw new Error('topic vanished after creation');
  return topic;
}
