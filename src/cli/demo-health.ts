// The demo's community history, so the health dashboard has something to show at once: about
// fifteen months of monthly meetings before the demo's series began, with RSVPs, check-ins and
// no-shows (two meetings where nobody checked people in), members who joined over that time (one
// left and came back, one left for good), two regulars who have not come for months, talks by
// members and invited speakers, topics with votes and a comment, and feedback with ratings.
// Written straight into the tables as it would have been back then (no mails, no activity).
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Group } from '../services/group.service.ts';
import { countMember, logMembershipChange } from '../services/membership.service.ts';

/** The demo groups that get a history (their slugs). */
export const HEALTH_DEMO_GROUPS = ['azure-munich', 'kubernetes-portland'] as const;

/** Past meetings of the history, one every 30 days, the newest this many days ago. */
export const HEALTH_HISTORY_MEETINGS = 14;
const NEWEST_DAYS_AGO = 75;
const EVERY_DAYS = 30;
/** Of the history, these meetings (0 = the oldest) had nobody checking people in. */
const WITHOUT_CHECK_IN = new Set([3, 9]);

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Who takes part: the group's active members, and demo people who are not members (yet). */
export interface HealthPeople {
  owner: string;
  organizer: string;
  /** Other active members, in the order they joined. */
  members: readonly string[];
  /** Demo people outside the group: the first two become regulars who went quiet, the third a
   * member who left for good. */
  outsiders: readonly string[];
}

const GUESTS = [
  { name: 'Katrin Vogel', company: 'Contoso Cloud', bio: 'Cloud architect and author.' },
  { name: 'Samuel Osei', company: 'Northwind Labs', bio: 'Works on developer platforms.' },
  { name: 'Marta Nowak', company: 'Fabrikam', bio: 'Site reliability engineer.' }
];

const TOPICS = [
  'Landing zones without tears',
  'Cost alerts that people read',
  'Policy as code in practice',
  'Private networking for PaaS',
  'Secrets rotation',
  'Blue-green deployments',
  'Observability on a budget',
  'Identity for workloads'
];

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
function code(): string {
  let s = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(8)))
    s += ALPHABET.charAt(byte % ALPHABET.length);
  return s;
}

/**
 * Seeds the history of `group` (idempotent: a group with a meeting older than the history's
 * newest is left alone). Returns whether it wrote anything.
 *
 * @example
 * await seedHealthHistory(db, group, { owner, organizer, members, outsiders }, now);
 */
export async function seedHealthHistory(
  db: Db,
  group: Group,
  people: HealthPeople,
  now: Date
): Promise<boolean> {
  const k = db.kysely;
  const oldest = new Date(now.getTime() - (NEWEST_DAYS_AGO - 5) * DAY).toISOString();
  const has = await k
    .selectFrom('events')
    .select('id')
    .where('group_id', '=', group.id)
    .where('starts_at', '<', oldest)
    .executeTakeFirst();
  if (has) return false;
  const ago = (days: number, minutes = 0) =>
    new Date(now.getTime() - days * DAY + minutes * MINUTE);
  const iso = (d: Date) => d.toISOString();
  const [quietA, quietB, former] = people.outsiders;
  const comeback = people.members.at(-1);

  // Joins spread over the history: the owner founded the group, the organizer came next, the
  // others one after another until shortly before the series began.
  const founded = NEWEST_DAYS_AGO + EVERY_DAYS * (HEALTH_HISTORY_MEETINGS - 1) + 20;
  const joined = new Map<string, Date>([
    [people.owner, ago(founded)],
    [people.organizer, ago(founded - 3)]
  ]);
  const step = (founded - 10 - NEWEST_DAYS_AGO) / Math.max(1, people.members.length);
  for (const [i, userId] of people.members.entries())
    joined.set(userId, ago(Math.round(founded - 10 - i * step)));
  for (const [userId, at] of joined) {
    const rows = await k
      .updateTable('membership_log')
      .set({ created_at: iso(at) })
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .where('delta', '=', 1)
      .executeTakeFirst();
    if (Number(rows.numUpdatedRows) === 0) await logMembershipChange(k, group.id, userId, 1, at);
    await k
      .updateTable('memberships')
      .set({ created_at: iso(at), updated_at: iso(at) })
      .where('group_id', '=', group.id)
      .where('user_id', '=', userId)
      .execute();
  }
  // One member left for a while and came back.
  if (comeback) {
    const at = joined.get(comeback) ?? ago(200);
    const left = new Date(at.getTime() + 30 * DAY);
    const back = new Date(left.getTime() + 60 * DAY);
    await logMembershipChange(k, group.id, comeback, -1, left);
    await logMembershipChange(k, group.id, comeback, 1, back);
    await k
      .updateTable('memberships')
      .set({ created_at: iso(back), updated_at: iso(back) })
      .where('group_id', '=', group.id)
      .where('user_id', '=', comeback)
      .execute();
  }
  // Two regulars of the first year, still members, who have not come for months.
  for (const [i, userId] of [quietA, quietB].entries()) {
    if (!userId) continue;
    const at = ago(founded - 5 - i * 20);
    joined.set(userId, at);
    await k
      .insertInto('memberships')
      .values({
        group_id: group.id,
        user_id: userId,
        role: 'member',
        status: 'active',
        created_at: iso(at),
        updated_at: iso(at)
      })
      .execute();
    await countMember(k, group.id, userId, 1, at);
  }
  // A member of the early months who left for good half a year ago.
  const formerLeft = ago(150);
  if (former) {
    const at = ago(founded - 15);
    joined.set(former, at);
    await logMembershipChange(k, group.id, former, 1, at);
    await logMembershipChange(k, group.id, former, -1, formerLeft);
  }

  // Speakers: members who gave talks (reusing their speaker profile) and invited guests.
  const speakerIds = new Map<string, string>();
  const speakerOf = async (userId: string | null, guest?: (typeof GUESTS)[number]) => {
    const key = userId ?? guest?.name ?? '';
    const known = speakerIds.get(key);
    if (known) return known;
    const existing = await k
      .selectFrom('speakers')
      .select('id')
      .where('group_id', '=', group.id)
      .where(userId ? 'user_id' : 'name', '=', key)
      .executeTakeFirst();
    const id = existing?.id ?? randomUUID();
    if (!existing) {
      const at = iso(ago(founded));
      const user = userId
        ? await k.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst()
        : undefined;
      await k
        .insertInto('speakers')
        .values({
          id,
          group_id: group.id,
          user_id: userId,
          name: user?.name ?? guest?.name ?? 'Speaker',
          bio: guest?.bio ?? '',
          company: guest?.company ?? null,
          contact: guest
            ? `${guest.name.split(' ')[0]?.toLowerCase() ?? 'guest'}@example.org`
            : null,
          created_at: at,
          updated_at: at
        })
        .execute();
    }
    speakerIds.set(key, id);
    return id;
  };

  const venue = await k
    .selectFrom('venues')
    .select(['id', 'capacity'])
    .where('group_id', '=', group.id)
    .orderBy('created_at')
    .executeTakeFirst();
  const regulars = [people.owner, people.organizer];
  for (let m = 0; m < HEALTH_HISTORY_MEETINGS; m++) {
    const daysAgo = NEWEST_DAYS_AGO + EVERY_DAYS * (HEALTH_HISTORY_MEETINGS - 1 - m);
    const starts = ago(daysAgo, 17 * 60);
    const memberAt = (userId: string) =>
      (joined.get(userId)?.getTime() ?? Infinity) < starts.getTime();
    const checkInUsed = !WITHOUT_CHECK_IN.has(m);

    // Who said what: the organizers always come; the others most of the time; the two regulars
    // came to nearly every meeting until about a hundred days ago; the former member now and then.
    const answers: { userId: string; going: boolean; checkedIn: boolean }[] = regulars.map(
      (userId) => ({ userId, going: true, checkedIn: true })
    );
    for (const [i, userId] of people.members.entries()) {
      if (!memberAt(userId)) continue;
      if (userId === comeback && starts.getTime() < (joined.get(userId)?.getTime() ?? 0) + 90 * DAY)
        continue;
      const r = (i * 3 + m) % 4;
      if (r === 0 && i % 2 === 1) continue; // did not answer
      answers.push({ userId, going: r !== 0, checkedIn: (i + m) % 5 !== 0 });
    }
    if (daysAgo > 100) {
      for (const [i, userId] of [quietA, quietB].entries())
        if (userId && memberAt(userId) && (i === 0 || m % 4 !== 1))
          answers.push({ userId, going: true, checkedIn: true });
      if (former && memberAt(former) && starts < formerLeft && m % 2 === 0)
        answers.push({ userId: former, going: true, checkedIn: m % 4 === 0 });
    }
    const going = answers.filter((a) => a.going);
    const id = randomUUID();
    const created = iso(new Date(starts.getTime() - 28 * DAY));
    const host = m % 3 === 2 ? people.organizer : people.owner;
    await k
      .insertInto('events')
      .values({
        id,
        group_id: group.id,
        title: `${group.name} #${m + 1}`,
        description: 'Two talks, then drinks and open discussion.',
        starts_at: iso(starts),
        ends_at: iso(new Date(starts.getTime() + 150 * MINUTE)),
        time_zone: group.timeZone,
        venue_id: venue?.id ?? null,
        online_url: venue ? null : 'https://meet.example/demo',
        capacity: Math.max(venue?.capacity ?? 40, going.length),
        status: 'published',
        going_seats: going.length,
        created_by: host,
        created_at: created,
        updated_at: created,
        published_at: created
      })
      .execute();
    await k
      .insertInto('rsvps')
      .values(
        answers.map((a, i) => {
          const at = iso(new Date(starts.getTime() - (10 - (i % 8)) * DAY + i * 17 * MINUTE));
          return {
            event_id: id,
            user_id: a.userId,
            status: a.going ? 'going' : 'not_going',
            check_in_code: code(),
            checked_in_at:
              checkInUsed && a.going && a.checkedIn
                ? iso(new Date(starts.getTime() - 15 * MINUTE + i * MINUTE))
                : null,
            created_at: at,
            updated_at: at
          };
        })
      )
      .execute();

    // A member's talk every time, an invited speaker's every other time.
    const speakerPool = [people.organizer, ...people.members.slice(0, 5), quietA].filter(
      (u): u is string => !!u && memberAt(u) && (u !== quietA || daysAgo > 100)
    );
    const lineup = [await speakerOf(speakerPool[m % speakerPool.length] ?? people.organizer)];
    const guest = GUESTS[(m / 2) % GUESTS.length];
    if (m % 2 === 0 && guest) lineup.push(await speakerOf(null, guest));
    for (const [s, speakerId] of lineup.entries()) {
      const at = iso(new Date(starts.getTime() - 40 * DAY));
      await k
        .insertInto('talks')
        .values({
          id: randomUUID(),
          group_id: group.id,
          speaker_id: speakerId,
          submitted_by: host,
          title: `${TOPICS[(m + s * 3) % TOPICS.length] ?? 'A talk'}: what we learned`,
          abstract: 'Lessons from a year in production.',
          duration_minutes: 30,
          level: s === 0 ? 'intermediate' : 'advanced',
          status: 'accepted',
          event_id: id,
          decided_by: host,
          decided_at: at,
          created_at: at,
          updated_at: at
        })
        .execute();
    }

    // Topics proposed for it and voted on; the top two were discussed.
    const there = going.filter((a) => a.checkedIn || !checkInUsed).map((a) => a.userId);
    // A few members propose topics (the core); about two in three of those there vote.
    const proposers = there.filter((u) => !regulars.includes(u)).slice(0, 3);
    const opens = new Date(starts.getTime() - 14 * DAY);
    const topicIds: string[] = [];
    for (let t = 0; t < 3; t++) {
      const topicId = randomUUID();
      topicIds.push(topicId);
      const at = iso(new Date(opens.getTime() - (t + 1) * DAY));
      await k
        .insertInto('topics')
        .values({
          id: topicId,
          group_id: group.id,
          title: TOPICS[(m * 3 + t) % TOPICS.length] ?? 'A topic',
          description: 'Who has done this, and how did it go?',
          wants: t === 1 ? 'present' : 'explain',
          status: t < 2 ? 'discussed' : 'archived',
          proposed_by: proposers[(m + t) % Math.max(1, proposers.length)] ?? people.organizer,
          event_id: t < 2 ? id : null,
          comment_count: t === 0 ? 1 : 0,
          created_at: at,
          updated_at: at
        })
        .execute();
    }
    const commenter = proposers[(m + 1) % Math.max(1, proposers.length)] ?? people.organizer;
    const commentAt = iso(new Date(opens.getTime() + DAY));
    await k
      .insertInto('topic_comments')
      .values({
        id: randomUUID(),
        topic_id: topicIds[0] ?? '',
        author_id: commenter,
        body: 'We tried this last year; happy to share our notes.',
        created_at: commentAt,
        updated_at: commentAt
      })
      .execute();
    const roundId = randomUUID();
    const closes = new Date(starts.getTime() - DAY);
    await k
      .insertInto('voting_rounds')
      .values({
        id: roundId,
        group_id: group.id,
        event_id: id,
        status: 'closed',
        opens_at: iso(opens),
        closes_at: iso(closes),
        votes_per_member: 3,
        votes_per_topic: 2,
        agenda_topics: 2,
        tally_visibility: 'live',
        picked: JSON.stringify(topicIds.slice(0, 2)),
        opened_by: people.organizer,
        closed_at: iso(closes),
        created_at: iso(opens)
      })
      .execute();
    const votes = there
      .filter((_, v) => v % 3 !== 2)
      .flatMap((userId, v) =>
        [0, 1].slice(0, 1 + (v % 2)).map((p) => ({
          round_id: roundId,
          topic_id: topicIds[(v + p) % 3 === 2 && v % 3 !== 0 ? 2 : (v + p) % 2] ?? '',
          user_id: userId,
          count: 1,
          updated_at: iso(new Date(opens.getTime() + (v + 1) * 90 * MINUTE))
        }))
      );
    const unique = [...new Map(votes.map((v) => [`${v.topic_id}:${v.user_id}`, v])).values()];
    if (unique.length > 0) await k.insertInto('votes').values(unique).execute();

    // Feedback the next day from about half of those there, most with a rating.
    const raters = there.filter((_, i) => (i + m) % 2 === 0);
    if (raters.length > 0)
      await k
        .insertInto('feedback')
        .values(
          raters.map((userId, i) => {
            const at = iso(new Date(starts.getTime() + DAY + i * 23 * MINUTE));
            return {
              id: randomUUID(),
              event_id: id,
              user_id: userId,
              rating: i % 5 === 4 ? null : 3 + ((i + m) % 3),
              comment: i % 3 === 0 ? 'Great talks, and the room was a good size.' : '',
              created_at: at,
              updated_at: at
            };
          })
        )
        .execute();
  }
  return true;
}
