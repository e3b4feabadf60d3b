import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { appendAgendaItem } from '../services/agenda.service.ts';
import { dispatchActivities } from '../services/activity/activity.service.ts';
import { createComment } from '../services/board/comment.service.ts';
import { createPost } from '../services/board/post-write.service.ts';
import { createMeeting, type Meeting } from '../services/event.service.ts';
import { createGroup, type Group } from '../services/group.service.ts';
import { joinGroup } from '../services/membership.service.ts';
import { notificationConsumer } from '../services/notification/notification-consumer.ts';
import { respond } from '../services/rsvp.service.ts';
import { addComment } from '../services/topic-comment.service.ts';
import { proposeTopic } from '../services/topic.service.ts';
import { insertUser } from '../test/factories.ts';
import { describeWithApp, type RequestOptions, type TestApp } from '../test/test-app.ts';

// No N+1 queries: the API calls behind the main pages run as many SQL statements for a small
// group, meeting, board or inbox as for one ten or twenty times bigger. Every statement counts
// (BEGIN and COMMIT too), through the database's query observer.

const DAY = 86_400_000;

describeWithApp('SQL statements per request', (app) => {
  let t: TestApp;
  let ownerId: string;
  let ownerToken: string;

  /** Runs one GET as `token` and returns the SQL statements it ran. */
  const statements = async (url: string, token: string): Promise<string[]> => {
    const db = t.testDb.db;
    if (!db.observeQueries) throw new Error('the database cannot be observed');
    const seen: string[] = [];
    const stop = db.observeQueries((query) => {
      seen.push(query.sql);
    });
    try {
      const options: RequestOptions = { method: 'GET', url, token };
      const res = await t.request(options);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    } finally {
      stop();
    }
    return seen;
  };

  /**
   * Asserts that each URL runs as many statements in the big case as in the small one; a failure
   * lists the statements of both, so the query that repeats per row is easy to spot.
   */
  const expectSameCounts = async (
    urls: (size: 'small' | 'big') => string[],
    token: (size: 'small' | 'big') => string
  ): Promise<void> => {
    const bigUrls = urls('big');
    for (const [i, url] of urls('small').entries()) {
      const bigUrl = bigUrls[i] ?? '';
      // A first request each warms what is written once in a while (a token's last use), which
      // would count once.
      await statements(url, token('small'));
      await statements(bigUrl, token('big'));
      const small = await statements(url, token('small'));
      const big = await statements(bigUrl, token('big'));
      expect(
        big.length,
        `${bigUrl} ran ${big.length} statements, ${url} ${small.length}:\n` +
          `big:\n  ${big.join('\n  ')}\nsmall:\n  ${small.join('\n  ')}`
      ).toBe(small.length);
    }
  };

  let people = 0;
  /** An account inserted directly (no password hashing), with a read token. */
  const member = async (group?: Group): Promise<{ id: string; token: string }> => {
    people += 1;
    const id = await insertUser(t.testDb.db, `qc-${people}-${randomUUID().slice(0, 8)}`);
    if (group) await joinGroup(t.testDb.db, group, id, []);
    return { id, token: await t.buildToken(id, 'read') };
  };

  let groups = 0;
  const group = async (name: string, kind: 'meetup' | 'practice' = 'meetup'): Promise<Group> => {
    groups += 1;
    return createGroup(t.testDb.db, ownerId, {
      slug: `qc-${groups}-${randomUUID().slice(0, 6)}`,
      name,
      kind,
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
  };

  const meeting = async (g: Group, daysAhead: number, title = 'Meetup'): Promise<Meeting> => {
    const startsAt = new Date(Date.now() + daysAhead * DAY);
    return createMeeting(t.testDb.db, t.queue, g.id, ownerId, {
      title,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
      timeZone: 'Europe/Berlin',
      publish: true
    });
  };

  beforeAll(async () => {
    t = app();
    const owner = await t.buildUser();
    ownerId = owner.id;
    ownerToken = await t.buildToken(ownerId, 'read');
  });

  it('group search: 5 vs 50 matching groups', async () => {
    for (let i = 0; i < 5; i += 1) await group(`Kestrel circle ${i}`);
    for (let i = 0; i < 50; i += 1) await group(`Osprey circle ${i}`);
    await expectSameCounts(
      (size) => {
        const q = size === 'small' ? 'kestrel' : 'osprey';
        return [`/api/v1/groups?q=${q}&limit=100`, `/api/v1/groups?q=${q}&sort=name&limit=100`];
      },
      () => ownerToken
    );
  });

  it('group page and member list: 3 vs 30 upcoming meetings, 5 vs 50 members', async () => {
    const sizes = { small: { meetings: 3, members: 5 }, big: { meetings: 30, members: 50 } };
    const built: Record<string, { group: Group; viewer: string }> = {};
    for (const [size, n] of Object.entries(sizes)) {
      const g = await group(`Page ${size}`);
      for (let i = 0; i < n.meetings; i += 1) await meeting(g, i + 1);
      for (let i = 0; i < 3; i += 1) await meeting(g, -(i + 1) * 7);
      let viewer = '';
      for (let i = 0; i < n.members; i += 1) viewer = (await member(g)).token;
      built[size] = { group: g, viewer };
    }
    await expectSameCounts(
      (size) => {
        const path = `/api/v1/groups/${built[size]?.group.slug ?? ''}`;
        return [
          path,
          `${path}/events?when=upcoming&limit=50`,
          `${path}/events?when=past&limit=3`,
          `${path}/series`,
          `${path}/members`
        ];
      },
      (size) => built[size]?.viewer ?? ''
    );
  });

  it('meeting page: 5 vs 100 answers, 5 vs 100 agenda items', async () => {
    const sizes = { small: 5, big: 100 };
    const built: Record<string, Meeting> = {};
    for (const [size, n] of Object.entries(sizes)) {
      const g = await group(`Meeting ${size}`);
      const m = await meeting(g, 10);
      for (let i = 0; i < n; i += 1) {
        const person = await member(g);
        await respond(t.testDb.db, t.queue, m.id, person.id, { going: i % 4 !== 3, guests: 0 });
      }
      for (let i = 0; i < n; i += 1) {
        await appendAgendaItem(t.testDb.db.kysely, m.id, {
          kind: 'topic',
          title: `Topic ${i}`,
          durationMinutes: 5
        });
      }
      built[size] = m;
    }
    await expectSameCounts(
      (size) => {
        const path = `/api/v1/events/${built[size]?.id ?? ''}`;
        return [path, `${path}/attendees`, `${path}/attendees?status=not_going`, `${path}/agenda`];
      },
      () => ownerToken
    );
  });

  it('board and post page: 5 vs 50 posts, 5 vs 100 comments', async () => {
    const sizes = { small: 5, big: 50 };
    const built: Record<string, { group: Group; postId: string; viewer: string }> = {};
    for (const [size, n] of Object.entries(sizes)) {
      const g = await group(`Board ${size}`);
      const authors = [await member(g), await member(g), await member(g)];
      let postId = '';
      for (let i = 0; i < n; i += 1) {
        const post = await createPost(t.testDb.db, t.queue, {
          groupId: g.id,
          authorId: authors[i % 3]?.id ?? ownerId,
          input: { kind: 'discussion', title: `Post ${i}`, body: `Body ${i}`, linkUrl: null }
        });
        postId = post.id;
      }
      for (let i = 0; i < n * 2; i += 1) {
        await createComment(t.testDb.db, t.queue, {
          postId,
          authorId: authors[i % 3]?.id ?? ownerId,
          body: `Comment ${i}`,
          parentId: null
        });
      }
      built[size] = { group: g, postId, viewer: authors[0]?.token ?? '' };
    }
    await expectSameCounts(
      (size) => {
        const b = built[size];
        return [
          `/api/v1/groups/${b?.group.slug ?? ''}/posts?limit=30`,
          '/api/v1/me/board?limit=30',
          `/api/v1/posts/${b?.postId ?? ''}`,
          `/api/v1/posts/${b?.postId ?? ''}/comments`
        ];
      },
      (size) => built[size]?.viewer ?? ''
    );
  });

  it('topic backlog and topic page: 5 vs 50 topics, 5 vs 50 comments', async () => {
    const sizes = { small: 5, big: 50 };
    const built: Record<string, { group: Group; topicId: string; viewer: string }> = {};
    for (const [size, n] of Object.entries(sizes)) {
      const g = await group(`Backlog ${size}`, 'practice');
      const authors = [await member(g), await member(g), await member(g)];
      let topicId = '';
      for (let i = 0; i < n; i += 1) {
        const topic = await proposeTopic(t.testDb.db, g.id, authors[i % 3]?.id ?? ownerId, {
          title: `Topic ${i}`,
          description: `Why ${i}`,
          wants: 'explain'
        });
        topicId = topic.id;
      }
      for (let i = 0; i < n; i += 1) {
        await addComment(t.testDb.db, g.id, topicId, authors[i % 3]?.id ?? ownerId, `Yes ${i}`);
      }
      built[size] = { group: g, topicId, viewer: authors[0]?.token ?? '' };
    }
    await expectSameCounts(
      (size) => {
        const path = `/api/v1/groups/${built[size]?.group.slug ?? ''}/topics`;
        const topic = `${path}/${built[size]?.topicId ?? ''}`;
        return [`${path}?limit=100`, topic, `${topic}/comments`];
      },
      (size) => built[size]?.viewer ?? ''
    );
  });

  it('my meetings: 3 vs 30 upcoming answers', async () => {
    const sizes = { small: 3, big: 30 };
    const viewers: Record<string, string> = {};
    for (const [size, n] of Object.entries(sizes)) {
      const person = await member();
      // Spread over several groups: the list must not read each group on its own either.
      let target: Group | undefined;
      for (let i = 0; i < n; i += 1) {
        if (!target || i % 3 === 0) {
          target = await group(`Mine ${size} ${i}`);
          await joinGroup(t.testDb.db, target, person.id, []);
        }
        const m = await meeting(target, i + 1);
        await respond(t.testDb.db, t.queue, m.id, person.id, { going: true, guests: 0 });
      }
      viewers[size] = person.token;
    }
    await expectSameCounts(
      () => ['/api/v1/me/events?when=upcoming&limit=50', '/api/v1/me/groups'],
      (size) => viewers[size] ?? ''
    );
  });

  it('notifications: 5 vs 50', async () => {
    const sizes = { small: 5, big: 50 };
    const viewers: Record<string, string> = {};
    for (const [size, n] of Object.entries(sizes)) {
      const g = await group(`Inbox ${size}`);
      const reader = await member(g);
      const handle = await t.testDb.db.kysely
        .selectFrom('users')
        .select('handle')
        .where('id', '=', reader.id)
        .executeTakeFirstOrThrow();
      const authors = [await member(g), await member(g)];
      for (let i = 0; i < n; i += 1) {
        await createPost(t.testDb.db, t.queue, {
          groupId: g.id,
          authorId: authors[i % 2]?.id ?? ownerId,
          input: {
            kind: 'discussion',
            title: `Question ${i}`,
            body: `What do you think, @${handle.handle}?`,
            linkUrl: null
          }
        });
      }
      viewers[size] = reader.token;
    }
    await dispatchActivities(t.testDb.db, [
      notificationConsumer(t.testDb.db, {
        queue: t.queue,
        baseUrl: t.config.baseUrl,
        secret: t.config.secret
      })
    ]);
    const inbox = await t.request({
      method: 'GET',
      url: '/api/v1/me/notifications?limit=100',
      token: viewers.big ?? ''
    });
    expect(inbox.json<{ items: unknown[] }>().items.length).toBeGreaterThanOrEqual(20);
    await expectSameCounts(
      () => ['/api/v1/me/notifications', '/api/v1/me/notifications/unread-count'],
      (size) => viewers[size] ?? ''
    );
  });
});
