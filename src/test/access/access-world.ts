// The world the access table (access-table.ts) is asked in: one account per role, and groups with
// one of everything, built lazily so that a fresh group for one allowed write makes only what the
// write needs.
import { randomUUID } from 'node:crypto';
import type { MembershipStatus, Role as GroupRole } from '../../domain/group-policy.ts';
import { suspendUser } from '../../services/admin/user-admin.service.ts';
import { createChatLinkToken } from '../../services/chat/chat-link.service.ts';
import { createMeeting } from '../../services/event.service.ts';
import { createGroup } from '../../services/group.service.ts';
import { makeUnsubscribeToken } from '../../services/unsubscribe.service.ts';
import { insertNotification } from '../../http/routes/notifications/notification-test-support.ts';
import { insertUser } from '../factories.ts';
import { monthlySeries } from '../fuzz/fuzz-fixture.ts';
import { addMemberships, PERSONAS } from '../personas.ts';
import type { RequestOptions, TestApp } from '../test-app.ts';

/**
 * Who the access table asks, in the order of its columns: the personas of the per-area matrices,
 * a suspended account, and the organizer's read-only and read-write API tokens.
 */
export const ROLES = [...PERSONAS, 'suspended', 'read-token', 'write-token'] as const;
export type Role = (typeof ROLES)[number];

/** The credentials of a request: a session cookie, an API token, or none. */
export type Credentials = Pick<RequestOptions, 'cookie' | 'token'>;

/** An account the table asks as. */
export interface Account {
  id: string;
  email: string;
  handle: string;
  credentials: Credentials;
}

/** The membership a role holds in every group of the world (the owner created it; admin: none). */
const MEMBERSHIP: Partial<Record<Role, readonly [GroupRole, MembershipStatus]>> = {
  pending: ['member', 'pending'],
  member: ['member', 'active'],
  host: ['host', 'active'],
  organizer: ['organizer', 'active'],
  banned: ['member', 'banned'],
  suspended: ['member', 'active']
};

/** One lazily made thing: made on the first call, the same promise after. */
type Lazy<T> = () => Promise<T>;
function lazy<T>(make: () => Promise<T>): Lazy<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** A group of the world and its things (ids), each made on first use. */
export interface GroupWorld {
  slug: string;
  id: string;
  /** `/api/v1/groups/<slug>` */
  api: string;
  /** `/groups/<slug>` */
  page: string;
  venue: Lazy<string>;
  sponsor: Lazy<string>;
  /** An invited speaker (not a member). */
  speaker: Lazy<string>;
  series: Lazy<string>;
  /** A published meeting next week; the member is going. */
  event: Lazy<string>;
  /** An unpublished meeting next week. */
  draft: Lazy<string>;
  /** A published meeting running now, its room open; the member is going and has a question. */
  running: Lazy<string>;
  /** A meeting that ended an hour ago; the member attended and gave feedback. */
  past: Lazy<string>;
  /** The member's feedback on `past`, with a wish for next time. */
  feedback: Lazy<string>;
  /** A backlog topic the member proposed, with a comment of theirs. */
  topic: Lazy<string>;
  /** A second topic of the member's (to merge `topic` into). */
  otherTopic: Lazy<string>;
  topicComment: Lazy<string>;
  /** A topic of the member's on the agenda of `event` (the only kind marked discussed). */
  scheduledTopic: Lazy<string>;
  /** A talk the member proposed. */
  talk: Lazy<string>;
  /** An open group poll (single choice, live results) and its first option. */
  poll: Lazy<{ id: string; option: string }>;
  /** A draft poll (not open yet: the only kind that can be changed, deleted or opened). */
  draftPoll: Lazy<string>;
  /** The member's help post, with a comment of theirs. */
  post: Lazy<string>;
  postComment: Lazy<string>;
  /** An open voting round for `event`. */
  round: Lazy<string>;
  /** A closed round of another meeting (the only kind whose pick is overridden). */
  closedRound: Lazy<string>;
  webhook: Lazy<string>;
  /** A report of the member's post by the organizer. */
  report: Lazy<string>;
  /** A report dismissed already (the only kind reopened). */
  resolvedReport: Lazy<string>;
  /** Another active member's post and question (in `running`): what the member may report, upvote. */
  otherPost: Lazy<string>;
  otherQuestion: Lazy<string>;
  /** The member's question in `running`. */
  question: Lazy<string>;
  /** The member's raised hand in `running`. */
  hand: Lazy<string>;
  /** A pending invitation's token (for a new address). */
  invitation: Lazy<string>;
  /** A chat link token of the group's chat workspace. */
  chatLink: Lazy<string>;
  /** A fresh account, requesting to join (for approve, decline). */
  applicant: Lazy<string>;
  /** A fresh active member (for role changes, removal, ban, transfer, quiet messages). */
  target: Lazy<string>;
}

const HOUR = 3_600_000;

/** The world: its accounts per role, its shared group, and a way to make fresh ones. */
export interface World {
  t: TestApp;
  accounts: Record<Exclude<Role, 'anonymous'>, Account>;
  /** The group every read and every denied write is asked in. */
  shared: GroupWorld;
  /** A group of the same kind where every role holds its membership, empty until used. */
  freshGroup(): Promise<GroupWorld>;
  /** A new account in `role` (a member of `g` as the role says) with its own credentials. */
  freshAccount(role: Role, g: GroupWorld): Promise<Account | null>;
  /** An unsubscribe token of the member for meeting mails of `g`. */
  unsubscribeToken(g: GroupWorld): string;
  /** A calendar feed secret of the member. */
  calendarSecret: Lazy<string>;
  /** A network the admin made, with `g` as a chapter. */
  network: Lazy<string>;
  /** Makes `g` a chapter of `network`. */
  chapter(g: GroupWorld): Promise<void>;
  /** Makes a notification for `userId`, returns its id. */
  notification(userId: string): Promise<string>;
}

/** The kind of group the table asks about: private, joined by approval. */
const KIND = { visibility: 'private', joinPolicy: 'approval' } as const;

/**
 * Builds the accounts (the admin first: the first account is the instance admin) and the shared
 * group. The suspended account held a session and a token before its suspension; its column
 * sends that old session.
 */
export async function buildWorld(t: TestApp): Promise<World> {
  const db = t.testDb.db;
  let counter = 0;
  const makeAccount = async (name: string, admin = false): Promise<Account> => {
    const { id, email } = await t.buildUser({ name, admin });
    const row = await db.kysely
      .selectFrom('users')
      .select('handle')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { id, email, handle: row.handle, credentials: { cookie: await t.logIn(email) } };
  };
  const people = {} as Record<Exclude<Role, 'anonymous' | 'read-token' | 'write-token'>, Account>;
  // The admin first: the first account on an instance is its admin.
  for (const role of ['admin', ...ROLES.filter((r) => r !== 'admin')] as const) {
    if (role === 'anonymous' || role === 'read-token' || role === 'write-token') continue;
    people[role] = await makeAccount(`Access ${role}`, role === 'admin');
  }
  const tokenOf = async (scope: 'read' | 'write'): Promise<Account> => ({
    ...people.organizer,
    credentials: { token: await t.buildToken(people.organizer.id, scope) }
  });
  const accounts: World['accounts'] = {
    ...people,
    'read-token': await tokenOf('read'),
    'write-token': await tokenOf('write')
  };
  const owner = accounts.owner;
  const member = accounts.member;
  const asOwner = owner.credentials;

  /** A request that must succeed while building. */
  const must = async <T>(options: RequestOptions): Promise<T> => {
    const res = await t.request(options);
    if (res.statusCode >= 300) {
      throw new Error(
        `access world: ${options.method} ${options.url} → ${res.statusCode} ${res.body}`
      );
    }
    return (res.body ? res.json() : undefined) as T;
  };
  const idOf = async (options: RequestOptions) => (await must<{ id: string }>(options)).id;
  const post = (url: string, body: unknown, as: Credentials = asOwner) =>
    idOf({ method: 'POST', url, body, ...as });

  const memberships = async (groupId: string, who: Partial<Record<Role, Account>>) => {
    const rows = Object.entries(MEMBERSHIP).flatMap(([role, m]) =>
      who[role as Role] ? [[role as Role, m[0], m[1]] as const] : []
    );
    if (rows.length === 0) return;
    await addMemberships(
      t,
      groupId,
      who as Record<Role, { id: string }>,
      rows.map(([role, r, s]) => [role, r, s] as const)
    );
  };

  const meeting = async (g: { id: string }, title: string, startsIn: number, publish = true) =>
    (
      await createMeeting(db, t.queue, g.id, owner.id, {
        title,
        startsAt: new Date(Date.now() + startsIn),
        endsAt: new Date(Date.now() + startsIn + 2 * HOUR),
        timeZone: 'Europe/Berlin',
        capacity: 30,
        publish
      })
    ).id;
  const rsvp = async (eventId: string, userId: string, checkedIn: boolean) => {
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('rsvps')
      .values({
        event_id: eventId,
        user_id: userId,
        status: 'going',
        check_in_code: randomUUID().slice(0, 8).toUpperCase(),
        checked_in_at: checkedIn ? at : null,
        created_at: at,
        updated_at: at
      })
      .execute();
    await db.kysely
      .updateTable('events')
      .set((eb) => ({ going_seats: eb('going_seats', '+', 1) }))
      .where('id', '=', eventId)
      .execute();
  };

  const makeGroup = async (): Promise<GroupWorld> => {
    counter += 1;
    const group = await createGroup(db, owner.id, {
      slug: `access-${counter}`,
      name: `Access ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      ...KIND
    });
    await memberships(group.id, accounts);
    const api = `/api/v1/groups/${group.slug}`;
    /** Another active member (no password: a token only), going to `running`. */
    const other = lazy(async () => {
      const id = await insertUser(db, `access-other-${randomUUID()}`);
      await addMemberships(t, group.id, { other: { id } }, [['other', 'member', 'active']]);
      await rsvp(await g.running(), id, true);
      return { token: await t.buildToken(id, 'write') };
    });
    const g: GroupWorld = {
      slug: group.slug,
      id: group.id,
      api,
      page: `/groups/${group.slug}`,
      venue: lazy(() => post(`${api}/venues`, { name: 'Hall', address: 'Main St 1' })),
      sponsor: lazy(() => post(`${api}/sponsors`, { name: 'ACME', contributions: ['food'] })),
      speaker: lazy(() => post(`${api}/speakers`, { name: 'Ada', contact: 'ada@example.com' })),
      series: lazy(() => post(`${api}/series`, monthlySeries())),
      event: lazy(async () => {
        const id = await meeting(group, 'Next meeting', 7 * 24 * HOUR);
        await rsvp(id, member.id, false);
        return id;
      }),
      draft: lazy(() => meeting(group, 'Draft meeting', 8 * 24 * HOUR, false)),
      running: lazy(async () => {
        const id = await meeting(group, 'Running meeting', -HOUR / 6);
        await rsvp(id, member.id, true);
        return id;
      }),
      past: lazy(async () => {
        const id = await meeting(group, 'Past meeting', -3 * HOUR);
        await rsvp(id, member.id, true);
        return id;
      }),
      feedback: lazy(async () => {
        await must({
          method: 'PUT',
          url: `/api/v1/events/${await g.past()}/feedback`,
          body: { rating: 4, comment: 'Nice', nextTime: 'Mutation testing' },
          ...member.credentials
        });
        const row = await db.kysely
          .selectFrom('feedback')
          .select('id')
          .where('event_id', '=', await g.past())
          .executeTakeFirstOrThrow();
        return row.id;
      }),
      topic: lazy(() =>
        post(`${api}/topics`, { title: 'Kubernetes', wants: 'explain' }, member.credentials)
      ),
      otherTopic: lazy(() =>
        post(`${api}/topics`, { title: 'Rust', wants: 'explain' }, member.credentials)
      ),
      topicComment: lazy(async () =>
        post(`${api}/topics/${await g.topic()}/comments`, { body: 'Yes' }, member.credentials)
      ),
      scheduledTopic: lazy(async () => {
        const id = await post(
          `${api}/topics`,
          { title: 'Go', wants: 'explain' },
          member.credentials
        );
        await db.kysely
          .updateTable('topics')
          .set({ status: 'scheduled', event_id: await g.event() })
          .where('id', '=', id)
          .execute();
        return id;
      }),
      talk: lazy(() =>
        post(
          `${api}/talks`,
          { title: 'Fuzzing', durationMinutes: 30, level: 'beginner' },
          member.credentials
        )
      ),
      poll: lazy(async () => {
        const poll = await must<{ id: string; options: { id: string }[] }>({
          method: 'POST',
          url: `${api}/polls`,
          body: {
            question: 'Pizza?',
            options: ['yes', 'no'],
            choice: 'single',
            anonymous: false,
            results: 'live',
            open: true
          },
          ...asOwner
        });
        return { id: poll.id, option: poll.options[0]?.id ?? '' };
      }),
      draftPoll: lazy(() =>
        post(`${api}/polls`, {
          question: 'Tea?',
          options: ['yes', 'no'],
          choice: 'single',
          anonymous: false,
          results: 'live'
        })
      ),
      post: lazy(() =>
        post(
          `${api}/posts`,
          { kind: 'help', title: 'Flaky DNS', body: 'Timeouts' },
          member.credentials
        )
      ),
      postComment: lazy(async () =>
        post(`/api/v1/posts/${await g.post()}/comments`, { body: 'Same' }, member.credentials)
      ),
      round: lazy(async () => {
        // One round is open at a time: the closed one comes first.
        await g.closedRound();
        await g.topic();
        return post(`${api}/rounds`, { eventId: await g.event() });
      }),
      closedRound: lazy(async () => {
        const eventId = await meeting(group, 'Later meeting', 14 * 24 * HOUR);
        const id = await post(`${api}/rounds`, { eventId });
        await must({ method: 'POST', url: `/api/v1/rounds/${id}/close`, ...asOwner });
        return id;
      }),
      webhook: lazy(() =>
        post(`${api}/webhooks`, {
          url: 'https://hooks.example.com/a',
          events: ['post.created'],
          format: 'guildhall'
        })
      ),
      report: lazy(async () =>
        post(
          '/api/v1/reports',
          { subjectType: 'post', subjectId: await g.post(), reason: 'spam' },
          accounts.organizer.credentials
        )
      ),
      resolvedReport: lazy(async () => {
        const id = await post(
          '/api/v1/reports',
          { subjectType: 'post', subjectId: await g.otherPost(), reason: 'spam' },
          accounts.organizer.credentials
        );
        await must({
          method: 'POST',
          url: `/api/v1/reports/${id}/resolve`,
          body: { action: 'dismiss' },
          ...asOwner
        });
        return id;
      }),
      otherPost: lazy(async () =>
        post(`${api}/posts`, { kind: 'help', title: 'Slow CI', body: 'Why?' }, await other())
      ),
      otherQuestion: lazy(async () =>
        post(`/api/v1/events/${await g.running()}/questions`, { body: 'When?' }, await other())
      ),
      question: lazy(async () =>
        post(`/api/v1/events/${await g.running()}/questions`, { body: 'Why?' }, member.credentials)
      ),
      hand: lazy(async () =>
        post(`/api/v1/events/${await g.running()}/hands`, undefined, member.credentials)
      ),
      invitation: lazy(async () => {
        const email = `invited-${randomUUID()}@example.com`;
        await must({ method: 'POST', url: `${api}/invitations`, body: { email }, ...asOwner });
        return (
          t.queue.lastMail(email, 'group-invitation').params.url?.split('/invitations/')[1] ?? ''
        );
      }),
      chatLink: lazy(
        async () =>
          (await createChatLinkToken(db, { groupId: group.id, teamId: 'T1', chatUserId: 'U1' }))
            .token
      ),
      applicant: lazy(async () => {
        const id = await insertUser(db, `access-applicant-${randomUUID()}`);
        await addMemberships(t, group.id, { applicant: { id } }, [
          ['applicant', 'member', 'pending']
        ]);
        return id;
      }),
      target: lazy(async () => {
        const id = await insertUser(db, `access-target-${randomUUID()}`);
        await addMemberships(t, group.id, { target: { id } }, [['target', 'member', 'active']]);
        return id;
      })
    };
    return g;
  };

  const shared = await makeGroup();
  // Every thing of the shared group exists before the first cell, so no answer depends on order.
  for (const make of Object.values(shared) as unknown[]) {
    if (typeof make === 'function') await (make as () => Promise<unknown>)();
  }
  // The suspension comes last: until now the suspended account was an active member who had a
  // session and a token, like anyone else.
  await t.buildToken(people.suspended.id, 'write');
  await suspendUser(db, accounts.admin.id, people.suspended.id);

  const network = lazy(async () => {
    await must({
      method: 'POST',
      url: '/api/v1/networks',
      body: { slug: 'access-net', name: 'Access Net' },
      ...accounts.admin.credentials
    });
    return 'access-net';
  });

  return {
    t,
    accounts,
    shared,
    freshGroup: makeGroup,
    async freshAccount(role, g) {
      if (role === 'anonymous') return null;
      const admin = role === 'admin';
      const account = await makeAccount(`Fresh ${role}`, admin);
      const as: Role = role === 'read-token' || role === 'write-token' ? 'organizer' : role;
      await memberships(g.id, { [as]: account });
      if (role === 'read-token' || role === 'write-token') {
        const scope = role === 'read-token' ? 'read' : 'write';
        return { ...account, credentials: { token: await t.buildToken(account.id, scope) } };
      }
      if (role === 'suspended') await suspendUser(db, accounts.admin.id, account.id);
      return account;
    },
    unsubscribeToken: (g) =>
      makeUnsubscribeToken(t.config.secret, { userId: member.id, kind: 'announce', scope: g.id }),
    calendarSecret: lazy(async () => {
      const feed = await must<{ url: string }>({
        method: 'POST',
        url: '/api/v1/me/calendar-feed',
        ...member.credentials
      });
      return /\/calendar\/(.+)\.ics$/.exec(feed.url)?.[1] ?? '';
    }),
    network,
    async chapter(g) {
      await must({
        method: 'PUT',
        url: `/api/v1/networks/${await network()}/chapters/${g.slug}`,
        ...accounts.admin.credentials
      });
    },
    notification: (userId) => insertNotification(db, userId)
  };
}
