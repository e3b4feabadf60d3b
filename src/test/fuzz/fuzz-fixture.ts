// The world the API fuzzer asks about: a group with one of everything, the people who ask, and the
// ids and slugs of real rows, so that generated requests reach the handlers instead of a 404.
import type { Role } from '../../domain/group-policy.ts';
import { createMeeting } from '../../services/event.service.ts';
import { createGroup, type Group } from '../../services/group.service.ts';
import { joinGroup, setRole } from '../../services/membership.service.ts';
import type { RequestOptions, TestApp } from '../test-app.ts';

/** Who asks: nobody, a member (session), the owner (session), an organizer's write token. */
export const FUZZ_PERSONAS = ['anonymous', 'member', 'owner', 'organizer-token'] as const;
export type FuzzPersona = (typeof FUZZ_PERSONAS)[number];

export interface FuzzUser {
  id: string;
  email: string;
}

/** The seeded world; `pools` and the credentials are refreshed by `heal`. */
export interface FuzzFixture {
  group: Group;
  /** A second group (owned by `victim`): moving a row into it is never allowed by an extra field. */
  otherGroup: Group;
  owner: FuzzUser;
  organizer: FuzzUser;
  member: FuzzUser;
  /** A member who never asks anything: a row that becomes theirs through an extra field is a bug. */
  victim: FuzzUser;
  /** Real values by the path segment before a parameter (`events`, `topics`, `members`, …). */
  pools: Map<string, string[]>;
  /** The credentials of a persona's request. */
  credentials(persona: FuzzPersona): Pick<RequestOptions, 'cookie' | 'token'>;
  /** The user a persona is (null: anonymous). */
  userOf(persona: FuzzPersona): string | null;
  /**
   * Puts back what a write may have taken away: roles, the groups' slugs, policy and presence on
   * the instance, sessions.
   */
  heal(): Promise<void>;
}

const MINUTE = 60_000;

/** A series body for `POST /groups/:slug/series`: the 2nd Thursday monthly from in 30 days. */
export function monthlySeries(now = Date.now()) {
  return {
    title: 'Monthly',
    timeZone: 'Europe/Berlin',
    recurrence: {
      frequency: 'monthly',
      weekday: 'TH',
      weekOfMonth: 2,
      startDate: new Date(now + 30 * 24 * 60 * MINUTE).toISOString().slice(0, 10),
      startTime: '18:30',
      durationMinutes: 120
    }
  };
}

/** Sends a request that must succeed while seeding. */
async function must(t: TestApp, options: RequestOptions): Promise<unknown> {
  const res = await t.request(options);
  if (res.statusCode >= 300) {
    throw new Error(
      `fuzz fixture: ${options.method} ${options.url} → ${res.statusCode} ${res.body}`
    );
  }
  return res.body ? res.json<unknown>() : undefined;
}

/**
 * Seeds a group with venues, sponsors, meetings (one running now, one next week), a series,
 * topics, a voting round, speakers, talks, polls, posts, comments, questions, kudos, a webhook, a
 * report, a network and a calendar feed, through the API where it can.
 *
 * @example
 * const f = await buildFuzzFixture(t);
 * await t.request({ method: 'GET', url: `/api/v1/groups/${f.group.slug}`, ...f.credentials('member') });
 */
export async function buildFuzzFixture(t: TestApp): Promise<FuzzFixture> {
  const db = t.testDb.db;
  const user = async (name: string) => t.buildUser({ name });
  // The first account is the instance admin: the owner is both, so admin routes are reached too.
  const owner = await user('Fuzz Owner');
  const organizer = await user('Fuzz Organizer');
  const member = await user('Fuzz Member');
  const victim = await user('Fuzz Victim');
  const pending = await user('Fuzz Pending');
  const group = await createGroup(db, owner.id, {
    slug: 'fuzz-group',
    name: 'Fuzz Group',
    kind: 'meetup',
    timeZone: 'Europe/Berlin',
    visibility: 'public',
    joinPolicy: 'open'
  });
  const otherGroup = await createGroup(db, victim.id, {
    slug: 'fuzz-other',
    name: 'Fuzz Other',
    kind: 'practice',
    timeZone: 'UTC',
    visibility: 'public',
    joinPolicy: 'approval'
  });
  const roles: [FuzzUser, Role][] = [
    [organizer, 'organizer'],
    [member, 'member'],
    [victim, 'member']
  ];
  for (const [u, role] of roles) {
    await joinGroup(db, group, u.id, []);
    if (role !== 'member') await setRole(db, group, owner.id, u.id, role);
  }
  await joinGroup(db, otherGroup, pending.id, []);

  const cookies = {
    owner: await t.logIn(owner.email),
    member: await t.logIn(member.email)
  };
  let organizerToken = await t.buildToken(organizer.id, 'write');
  const asOrganizer = { token: organizerToken };
  const asMember = { cookie: cookies.member };
  const g = `/api/v1/groups/${group.slug}`;

  const now = Date.now();
  const running = await createMeeting(db, t.queue, group.id, owner.id, {
    title: 'Running meeting',
    startsAt: new Date(now - 10 * MINUTE),
    endsAt: new Date(now + 80 * MINUTE),
    timeZone: 'Europe/Berlin',
    capacity: 30,
    publish: true
  });
  const next = await createMeeting(db, t.queue, group.id, owner.id, {
    title: 'Next meeting',
    startsAt: new Date(now + 7 * 24 * 60 * MINUTE),
    endsAt: new Date(now + 7 * 24 * 60 * MINUTE + 120 * MINUTE),
    timeZone: 'Europe/Berlin',
    capacity: 20,
    publish: true
  });
  const post = (url: string, body: unknown, as: Pick<RequestOptions, 'cookie' | 'token'>) =>
    must(t, { method: 'POST', url, body, ...as });

  await post(`${g}/venues`, { name: 'Hall', address: 'Main St 1', capacity: 50 }, asOrganizer);
  await post(`${g}/sponsors`, { name: 'ACME', contributions: ['food'] }, asOrganizer);
  await post(`${g}/series`, monthlySeries(now), asOrganizer);
  for (const title of ['Kubernetes', 'Rust', 'Testing']) {
    await post(`${g}/topics`, { title, wants: 'explain' }, asMember);
  }
  const topic = await db.kysely.selectFrom('topics').select('id').executeTakeFirstOrThrow();
  await post(`${g}/topics/${topic.id}/comments`, { body: 'Yes please' }, asMember);
  await post(`${g}/rounds`, { eventId: next.id }, asOrganizer);
  await post(`${g}/speakers`, { name: 'Ada', bio: 'Engines' }, asOrganizer);
  await post(`${g}/talks`, { title: 'Fuzzing', durationMinutes: 30, level: 'beginner' }, asMember);
  await post(
    `${g}/polls`,
    {
      question: 'Pizza?',
      options: ['yes', 'no'],
      choice: 'single',
      anonymous: false,
      results: 'live',
      eventId: running.id,
      open: true
    },
    asOrganizer
  );
  const board = (await post(
    `${g}/posts`,
    { kind: 'help', title: 'Flaky DNS', body: 'Timeouts' },
    asMember
  )) as { id: string };
  await post(`/api/v1/posts/${board.id}/comments`, { body: 'Same here' }, asMember);
  await post(
    '/api/v1/reports',
    { subjectType: 'post', subjectId: board.id, reason: 'spam' },
    asOrganizer
  );
  // RSVPs close when a meeting starts: the member said going before.
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('rsvps')
    .values({
      event_id: running.id,
      user_id: member.id,
      status: 'going',
      check_in_code: 'FUZZ1234',
      checked_in_at: null,
      created_at: at,
      updated_at: at
    })
    .execute();
  await must(t, {
    method: 'PUT',
    url: `/api/v1/events/${next.id}/rsvp`,
    body: { status: 'going' },
    ...asMember
  });
  await post(`/api/v1/events/${running.id}/questions`, { body: 'Why?' }, asMember);
  await post(`/api/v1/events/${running.id}/hands`, undefined, asMember);
  await post(
    `/api/v1/events/${running.id}/kudos`,
    { toUserId: organizer.id, message: 'Thanks!' },
    asMember
  );
  await post(
    `${g}/webhooks`,
    { url: 'https://example.com/hook', events: ['post.created'], format: 'guildhall' },
    { cookie: cookies.owner }
  );
  await post('/api/v1/networks', { slug: 'fuzz-net', name: 'Fuzz Net' }, { cookie: cookies.owner });
  const feed = (await post('/api/v1/me/calendar-feed', undefined, asMember)) as { url: string };
  const feedSecret = /\/calendar\/(.+)\.ics$/.exec(feed.url)?.[1];

  const ids = async (table: Parameters<typeof db.kysely.selectFrom>[0] & string) =>
    (
      await db.kysely
        .selectFrom(table as 'events')
        .select('id')
        .execute()
    ).map((r) => r.id);
  const people = [owner, organizer, member, victim, pending].map((u) => u.id);
  const handles = (await db.kysely.selectFrom('users').select('handle').execute()).map(
    (r) => r.handle
  );
  const pools = new Map<string, string[]>();
  const refresh = async () => {
    const groups = (await db.kysely.selectFrom('groups').select('slug').execute()).map(
      (r) => r.slug
    );
    const entries: [string[], string[]][] = [
      [['groups', 'chat', 'chapters'], groups],
      [['networks'], ['fuzz-net']],
      [['events'], await ids('events')],
      [['series'], await ids('series')],
      [['venues'], await ids('venues')],
      [['sponsors'], await ids('sponsors')],
      [['topics', 'votes'], await ids('topics')],
      [['rounds'], await ids('voting_rounds')],
      [['speakers'], await ids('speakers')],
      [['talks'], await ids('talks')],
      [['polls'], await ids('polls')],
      [['posts'], await ids('posts')],
      [['comments'], [...(await ids('post_comments')), ...(await ids('topic_comments'))]],
      [['questions'], await ids('questions')],
      [['hands'], await ids('hands')],
      [['feedback'], await ids('feedback')],
      [['webhooks'], await ids('webhooks')],
      [['reports'], await ids('reports')],
      [['notifications'], await ids('notifications')],
      [['sessions'], await ids('sessions')],
      [['tokens'], await ids('api_tokens')],
      [['members', 'requests', 'check-ins', 'quiet', 'user'], people],
      [['people'], handles],
      [['calendar'], feedSecret ? [feedSecret] : []]
    ];
    pools.clear();
    for (const [names, values] of entries) for (const n of names) pools.set(n, values);
  };
  await refresh();

  const initial = { slug: group.slug, visibility: 'public', joinPolicy: 'open' };
  const loggedIn = async (options: Pick<RequestOptions, 'cookie' | 'token'>) =>
    (await t.request({ method: 'GET', url: '/api/v1/me', ...options })).statusCode === 200;

  return {
    group,
    otherGroup,
    owner,
    organizer,
    member,
    victim,
    pools,
    credentials(persona) {
      if (persona === 'member') return { cookie: cookies.member };
      if (persona === 'owner') return { cookie: cookies.owner };
      if (persona === 'organizer-token') return { token: organizerToken };
      return {};
    },
    userOf(persona) {
      if (persona === 'member') return member.id;
      if (persona === 'owner') return owner.id;
      if (persona === 'organizer-token') return organizer.id;
      return null;
    },
    async heal() {
      const k = db.kysely;
      await k
        .updateTable('groups')
        .set({
          slug: initial.slug,
          visibility: initial.visibility,
          join_policy: initial.joinPolicy
        })
        .where('id', '=', group.id)
        .execute();
      await k
        .updateTable('groups')
        .set({ slug: otherGroup.slug })
        .where('id', '=', otherGroup.id)
        .execute();
      // An admin (the owner) may have hidden either group from the instance.
      await k
        .updateTable('groups')
        .set({ hidden_by_admin_at: null, hidden_by_admin_reason: null })
        .where('id', 'in', [group.id, otherGroup.id])
        .execute();
      const wanted: [FuzzUser, Role][] = [[owner, 'owner'], ...roles];
      const now = new Date().toISOString();
      for (const [u, role] of wanted) {
        const updated = await k
          .updateTable('memberships')
          .set({ role, status: 'active' })
          .where('group_id', '=', group.id)
          .where('user_id', '=', u.id)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) {
          await k
            .insertInto('memberships')
            .values({
              group_id: group.id,
              user_id: u.id,
              role,
              status: 'active',
              created_at: now,
              updated_at: now
            })
            .execute();
        }
      }
      if (!(await loggedIn({ cookie: cookies.owner }))) cookies.owner = await t.logIn(owner.email);
      if (!(await loggedIn({ cookie: cookies.member }))) {
        cookies.member = await t.logIn(member.email);
      }
      if (!(await loggedIn({ token: organizerToken }))) {
        organizerToken = await t.buildToken(organizer.id, 'write');
      }
      await refresh();
    }
  };
}
