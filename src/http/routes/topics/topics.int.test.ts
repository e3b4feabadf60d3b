import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Visibility } from '../../../domain/group-policy.ts';
import { createGroup } from '../../../services/group.service.ts';
import { describeWithApp, type RequestOptions, type TestApp } from '../../../test/test-app.ts';

type Who = 'owner' | 'organizer' | 'member' | 'other' | 'stranger';
interface Account {
  id: string;
  cookie: string;
}
interface TopicJson {
  id: string;
  title: string;
  status: string;
  votes: number | null;
  myVotes: number;
  commentCount: number;
  mergedInto: string | null;
  history: { roundId: string; votes: number; rank: number; picked: boolean }[];
  viewer: Record<string, boolean>;
  [key: string]: unknown;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Lets the clock move on, so rows written one after another have distinct times. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

describeWithApp('topics', (app) => {
  let t: TestApp;
  const users = {} as Record<Who, Account & { name: string }>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    await t.buildUser({ name: 'Instance Admin' }); // the first account is the instance admin
    const names: Record<Who, string> = {
      owner: 'Olga Owner',
      organizer: 'Otto Organizer',
      member: 'Mia Member',
      other: 'Max Other',
      stranger: 'Sam Stranger'
    };
    for (const [who, name] of Object.entries(names) as [Who, string][]) {
      const { id, email } = await t.buildUser({ name });
      users[who] = { id, name, cookie: await t.logIn(email) };
    }
  });

  /** A group owned by `owner` with an organizer and two members; `stranger` is not in it. */
  async function group(visibility: Visibility = 'public', tally: 'live' | 'hidden' = 'live') {
    counter += 1;
    const created = await createGroup(t.testDb.db, users.owner.id, {
      slug: `topics-${counter}`,
      name: `Topics ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility,
      joinPolicy: visibility === 'public' ? 'open' : 'approval',
      tallyVisibility: tally
    });
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('memberships')
      .values(
        (['organizer', 'member', 'other'] as const).map((who) => ({
          group_id: created.id,
          user_id: users[who].id,
          role: who === 'organizer' ? 'organizer' : 'member',
          status: 'active',
          created_at: at,
          updated_at: at
        }))
      )
      .execute();
    return { slug: created.slug, id: created.id };
  }

  const as = (who: Who | 'anonymous', options: RequestOptions) =>
    t.request({ ...options, ...(who === 'anonymous' ? {} : { cookie: users[who].cookie }) });
  const propose = (slug: string, body: unknown, who: Who | 'anonymous' = 'member') =>
    as(who, { method: 'POST', url: `/api/v1/groups/${slug}/topics`, body });
  const topicUrl = (slug: string, id: string, tail = '') =>
    `/api/v1/groups/${slug}/topics/${id}${tail}`;
  async function created(slug: string, title: string, who: Who = 'member'): Promise<TopicJson> {
    await tick();
    const res = await propose(slug, { title, wants: 'explain' }, who);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<TopicJson>();
  }
  const detail = async (slug: string, id: string, who: Who | 'anonymous' = 'member') => {
    const res = await as(who, { method: 'GET', url: topicUrl(slug, id) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<TopicJson>();
  };
  const list = async (slug: string, query = '', who: Who | 'anonymous' = 'member') => {
    const res = await as(who, { method: 'GET', url: `/api/v1/groups/${slug}/topics${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: TopicJson[]; nextCursor: string | null }>();
  };
  const topicRow = (id: string) =>
    t.testDb.db.kysely
      .selectFrom('topics')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const topicCount = async (groupId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('topics')
        .select('id')
        .where('group_id', '=', groupId)
        .execute()
    ).length;
  const auditActions = async (groupId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('audit_entries')
        .select(['action', 'details'])
        .where('group_id', '=', groupId)
        .execute()
    ).filter((a) => a.action.startsWith('topic.'));
  /** The errors of a 400 answer, as `field: message`. */
  const errorsOf = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(400);
    return res
      .json<{ errors: { field: string; message: string }[] }>()
      .errors.map((e) => `${e.field}: ${e.message}`);
  };

  /** A published meeting of the group, `days` from now. */
  async function meeting(groupId: string, title: string, days: number): Promise<string> {
    const id = randomUUID();
    const starts = new Date(Date.now() + days * 24 * 3600_000);
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('events')
      .values({
        id,
        group_id: groupId,
        title,
        starts_at: starts.toISOString(),
        ends_at: new Date(starts.getTime() + 2 * 3600_000).toISOString(),
        time_zone: 'Europe/Berlin',
        status: 'published',
        created_at: at,
        updated_at: at
      })
      .execute();
    return id;
  }

  /** A voting round with ballots `[topicId, who, count]`, inserted straight into the tables. */
  async function round(
    groupId: string,
    options: {
      status: 'open' | 'closed';
      tally?: 'live' | 'hidden';
      votes: [string, Who, number][];
      picked?: string[];
      closedAt?: Date;
      eventTitle?: string;
    }
  ): Promise<{ roundId: string; eventId: string }> {
    const eventId = await meeting(groupId, options.eventTitle ?? 'Round meeting', 7);
    const roundId = randomUUID();
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('voting_rounds')
      .values({
        id: roundId,
        group_id: groupId,
        event_id: eventId,
        status: options.status,
        opens_at: at,
        closes_at: at,
        votes_per_member: 3,
        votes_per_topic: 2,
        agenda_topics: 1,
        tally_visibility: options.tally ?? 'live',
        picked: JSON.stringify(options.picked ?? []),
        closed_at:
          options.status === 'closed' ? (options.closedAt ?? new Date()).toISOString() : null,
        created_at: at
      })
      .execute();
    if (options.votes.length > 0) {
      await t.testDb.db.kysely
        .insertInto('votes')
        .values(
          options.votes.map(([topicId, who, count]) => ({
            round_id: roundId,
            topic_id: topicId,
            user_id: users[who].id,
            count,
            updated_at: at
          }))
        )
        .execute();
    }
    return { roundId, eventId };
  }
  const votesOn = async (topicId: string) =>
    (
      await t.testDb.db.kysely
        .selectFrom('votes')
        .select(['round_id', 'count'])
        .where('topic_id', '=', topicId)
        .execute()
    ).length;

  describe('proposing and reading', () => {
    it('proposes a topic, reads it, lists it and lets the proposer edit it', async () => {
      const g = await group();
      const res = await propose(g.slug, {
        title: '  Postgres upgrades  ',
        description: 'Without **downtime**',
        linkUrl: 'https://example.org/pg',
        wants: 'present'
      });
      expect(res.statusCode, res.body).toBe(201);
      const topic = res.json<TopicJson>();
      expect(topic).toEqual({
        id: expect.any(String),
        title: 'Postgres upgrades',
        description: 'Without **downtime**',
        descriptionHtml: '<p>Without <strong>downtime</strong></p>\n',
        linkUrl: 'https://example.org/pg',
        wants: 'present',
        status: 'open',
        proposedBy: { id: users.member.id, displayName: 'Mia Member', handle: expect.any(String) },
        event: null,
        mergedInto: null,
        notes: '',
        notesHtml: '',
        links: [],
        commentCount: 0,
        createdAt: expect.stringMatching(ISO),
        updatedAt: topic.createdAt,
        votes: null,
        myVotes: 0,
        history: [],
        viewer: { canEdit: true, canWithdraw: true, canManage: false, canComment: true }
      });
      expect(await detail(g.slug, topic.id)).toEqual(topic);
      const anonymous = await detail(g.slug, topic.id, 'anonymous');
      expect(anonymous.viewer).toEqual({
        canEdit: false,
        canWithdraw: false,
        canManage: false,
        canComment: false
      });
      expect((await detail(g.slug, topic.id, 'organizer')).viewer).toEqual({
        canEdit: true,
        canWithdraw: false,
        canManage: true,
        canComment: true
      });
      expect((await list(g.slug)).items).toEqual([topic]);

      const patched = await as('member', {
        method: 'PATCH',
        url: topicUrl(g.slug, topic.id),
        body: { title: 'Postgres major upgrades', linkUrl: null, wants: 'explain' }
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({
        title: 'Postgres major upgrades',
        linkUrl: null,
        wants: 'explain',
        description: 'Without **downtime**'
      });
      // An organizer may correct it too.
      const byOrganizer = await as('organizer', {
        method: 'PATCH',
        url: topicUrl(g.slug, topic.id),
        body: { description: '' }
      });
      expect(byOrganizer.json()).toMatchObject({ description: '', descriptionHtml: '' });
    });

    it('answers 401, 400 per invalid field, 403 and 404 on proposing, and stores nothing', async () => {
      const g = await group();
      const priv = await group('private');
      const valid = { title: 'Observability', wants: 'explain' };
      expect((await propose(g.slug, valid, 'anonymous')).statusCode).toBe(401);
      const cases: [Record<string, unknown>, string][] = [
        [{ ...valid, title: '   ' }, 'title: Must not be empty.'],
        [{ ...valid, title: 'x'.repeat(141) }, 'title: Must be at most 140 characters.'],
        [{ wants: 'explain' }, 'title: This field is required.'],
        [
          { ...valid, description: 'd'.repeat(10_001) },
          'description: Must be at most 10000 characters.'
        ],
        [
          { ...valid, linkUrl: 'ftp://example.org/x' },
          'linkUrl: Enter a valid URL starting with http:// or https://.'
        ],
        [
          { ...valid, linkUrl: 'javascript:alert(1)' },
          'linkUrl: Enter a valid URL starting with http:// or https://.'
        ],
        [{ ...valid, wants: 'lecture' }, 'wants: Must be one of: present, explain.'],
        [{ title: 'No wants' }, 'wants: This field is required.'],
        [{ ...valid, status: 'scheduled' }, 'status: This field is not allowed here.']
      ];
      for (const [body, error] of cases) {
        expect(errorsOf(await propose(g.slug, body)), JSON.stringify(body)).toEqual([error]);
      }
      const german = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${g.slug}/topics`,
        cookie: users.member.cookie,
        headers: { 'accept-language': 'de' },
        body: { ...valid, title: '' }
      });
      expect(errorsOf(german)).toEqual(['title: Darf nicht leer sein.']);
      expect((await propose(g.slug, valid, 'stranger')).statusCode).toBe(403);
      expect((await propose(priv.slug, valid, 'stranger')).statusCode).toBe(403);
      expect((await propose('no-such-group', valid)).statusCode).toBe(404);
      expect(await topicCount(g.id)).toBe(0);
      expect(await topicCount(priv.id)).toBe(0);
      expect((await propose(g.slug, valid)).statusCode).toBe(201);
      expect(await topicCount(g.id)).toBe(1);
    });

    it('refuses edits by others, of other groups and of topics that are not open', async () => {
      const g = await group();
      const other = await group();
      const topic = await created(g.slug, 'Service meshes');
      const patch = (who: Who | 'anonymous', body: unknown, slug = g.slug, id = topic.id) =>
        as(who, { method: 'PATCH', url: topicUrl(slug, id), body });
      expect((await patch('anonymous', { title: 'X' })).statusCode).toBe(401);
      expect(errorsOf(await patch('member', { title: '' }))).toEqual(['title: Must not be empty.']);
      expect(errorsOf(await patch('member', { linkUrl: 'mailto:a@b.example' }))).toEqual([
        'linkUrl: Enter a valid URL starting with http:// or https://.'
      ]);
      expect(errorsOf(await patch('member', { wants: 'teach' }))).toEqual([
        'wants: Must be one of: present, explain.'
      ]);
      expect((await patch('other', { title: 'Hijacked' })).statusCode).toBe(403);
      expect((await patch('stranger', { title: 'Hijacked' })).statusCode).toBe(403);
      expect((await patch('member', { title: 'X' }, other.slug)).statusCode).toBe(404);
      expect((await patch('member', { title: 'X' }, g.slug, 'no-such-topic')).statusCode).toBe(404);
      expect((await topicRow(topic.id)).title).toBe('Service meshes');

      const withdrawn = await as('member', {
        method: 'POST',
        url: topicUrl(g.slug, topic.id, '/withdraw')
      });
      expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', viewer: { canEdit: false } });
      for (const who of ['member', 'organizer'] as const) {
        const res = await patch(who, { title: 'Too late' });
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json()).toMatchObject({
          detail:
            'This topic is no longer open: it can only be changed, withdrawn, archived or merged while it waits in the backlog.'
        });
      }
      expect((await topicRow(topic.id)).title).toBe('Service meshes');
    });
  });

  describe('listing', () => {
    it('lists open topics oldest first and others newest first, page by page', async () => {
      const g = await group();
      const base = Date.now() - 3600_000;
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const id = randomUUID();
        const at = new Date(base + i * 1000).toISOString();
        await t.testDb.db.kysely
          .insertInto('topics')
          .values({
            id,
            group_id: g.id,
            title: `Topic ${i}`,
            wants: 'explain',
            status: i < 3 ? 'open' : 'archived',
            proposed_by: users.member.id,
            created_at: at,
            updated_at: at
          })
          .execute();
        ids.push(id);
      }
      const page1 = await list(g.slug, '?limit=2');
      expect(page1.items.map((i) => i.title)).toEqual(['Topic 0', 'Topic 1']);
      expect(page1.nextCursor).not.toBeNull();
      const page2 = await list(g.slug, `?limit=2&cursor=${page1.nextCursor ?? ''}`);
      expect(page2).toMatchObject({ items: [{ title: 'Topic 2' }], nextCursor: null });
      const archived = await list(g.slug, '?status=archived&limit=1');
      expect(archived.items.map((i) => i.title)).toEqual(['Topic 4']);
      const rest = await list(
        g.slug,
        `?status=archived&limit=1&cursor=${archived.nextCursor ?? ''}`
      );
      expect(rest.items.map((i) => i.title)).toEqual(['Topic 3']);
      expect((await list(g.slug, '?status=all')).items.map((i) => i.title)).toEqual([
        'Topic 4',
        'Topic 3',
        'Topic 2',
        'Topic 1',
        'Topic 0'
      ]);
      expect((await list(g.slug, '?status=withdrawn')).items).toEqual([]);
      const bad = await as('member', {
        method: 'GET',
        url: `/api/v1/groups/${g.slug}/topics?cursor=nonsense`
      });
      expect(errorsOf(bad)).toEqual(['cursor: This value is not valid.']);
      const badStatus = await as('member', {
        method: 'GET',
        url: `/api/v1/groups/${g.slug}/topics?status=done`
      });
      expect(errorsOf(badStatus)).toEqual([
        'status: Must be one of: open, scheduled, discussed, archived, withdrawn, all.'
      ]);
      const priv = await group('private');
      expect(
        (await as('stranger', { method: 'GET', url: `/api/v1/groups/${priv.slug}/topics` }))
          .statusCode
      ).toBe(404);
    });

    it('shows the open round’s votes (null while hidden) and the caller’s own dots', async () => {
      const live = await group();
      const a = await created(live.slug, 'A');
      const b = await created(live.slug, 'B');
      // A closed round's votes never count as the current ones.
      await round(live.id, { status: 'closed', votes: [[a.id, 'owner', 2]] });
      expect((await list(live.slug)).items.map((i) => [i.votes, i.myVotes])).toEqual([
        [null, 0],
        [null, 0]
      ]);
      await round(live.id, {
        status: 'open',
        votes: [
          [a.id, 'member', 2],
          [a.id, 'other', 1],
          [b.id, 'other', 1]
        ]
      });
      expect((await list(live.slug)).items.map((i) => [i.title, i.votes, i.myVotes])).toEqual([
        ['A', 3, 2],
        ['B', 1, 0]
      ]);
      expect((await detail(live.slug, b.id, 'other')).myVotes).toBe(1);
      expect((await detail(live.slug, a.id, 'anonymous')).myVotes).toBe(0);

      const hidden = await group('public', 'hidden');
      const c = await created(hidden.slug, 'C');
      await round(hidden.id, {
        status: 'open',
        tally: 'hidden',
        votes: [
          [c.id, 'member', 1],
          [c.id, 'other', 1]
        ]
      });
      expect(await detail(hidden.slug, c.id)).toMatchObject({ votes: null, myVotes: 1 });
      expect((await list(hidden.slug, '', 'owner')).items[0]).toMatchObject({
        votes: null,
        myVotes: 0
      });
    });

    it('tells the history of the closed rounds a topic stood in', async () => {
      const g = await group();
      const a = await created(g.slug, 'A');
      const b = await created(g.slug, 'B');
      const c = await created(g.slug, 'C');
      const day = 24 * 3600_000;
      // Round 1: B wins with 3; A and C tie at 1 and A was proposed first.
      const r1 = await round(g.id, {
        status: 'closed',
        closedAt: new Date(Date.now() - 20 * day),
        eventTitle: 'March meeting',
        votes: [
          [b.id, 'member', 2],
          [b.id, 'other', 1],
          [a.id, 'owner', 1],
          [c.id, 'organizer', 1]
        ],
        picked: [b.id]
      });
      // Round 2: nobody voted for C, but an organizer put it on the agenda; A had 1.
      const r2 = await round(g.id, {
        status: 'closed',
        closedAt: new Date(Date.now() - 10 * day),
        eventTitle: 'April meeting',
        votes: [[a.id, 'member', 1]],
        picked: [c.id]
      });
      // Round 3: A not in it at all.
      await round(g.id, { status: 'closed', votes: [[b.id, 'member', 1]], picked: [b.id] });
      // An open round is no history.
      await round(g.id, { status: 'open', votes: [[a.id, 'other', 1]] });

      const historyOf = async (id: string) => (await detail(g.slug, id)).history;
      expect(await historyOf(a.id)).toEqual([
        {
          roundId: r2.roundId,
          eventId: r2.eventId,
          eventTitle: 'April meeting',
          closedAt: expect.stringMatching(ISO),
          votes: 1,
          rank: 1,
          picked: false
        },
        {
          roundId: r1.roundId,
          eventId: r1.eventId,
          eventTitle: 'March meeting',
          closedAt: expect.stringMatching(ISO),
          votes: 1,
          rank: 2,
          picked: false
        }
      ]);
      expect((await historyOf(c.id)).map((h) => [h.roundId, h.votes, h.rank, h.picked])).toEqual([
        [r2.roundId, 0, 2, true],
        [r1.roundId, 1, 3, false]
      ]);
      expect((await historyOf(b.id)).map((h) => [h.votes, h.rank, h.picked])).toEqual([
        [1, 1, true],
        [3, 1, true]
      ]);
      // Lists carry no history.
      expect((await list(g.slug)).items.every((i) => i.history.length === 0)).toBe(true);
    });
  });

  describe('withdrawing, archiving and merging', () => {
    it('lets only the proposer withdraw, and gives the open round’s dots back', async () => {
      const g = await group();
      const topic = await created(g.slug, 'GraphQL');
      const closed = await round(g.id, { status: 'closed', votes: [[topic.id, 'other', 1]] });
      await round(g.id, {
        status: 'open',
        votes: [
          [topic.id, 'member', 1],
          [topic.id, 'other', 2]
        ]
      });
      const withdraw = (who: Who | 'anonymous') =>
        as(who, { method: 'POST', url: topicUrl(g.slug, topic.id, '/withdraw') });
      expect((await withdraw('anonymous')).statusCode).toBe(401);
      expect((await withdraw('other')).statusCode).toBe(403);
      expect((await withdraw('organizer')).statusCode).toBe(403);
      expect((await topicRow(topic.id)).status).toBe('open');
      expect(await votesOn(topic.id)).toBe(3);

      const res = await withdraw('member');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'withdrawn', votes: 0, myVotes: 0 });
      // Only the closed round's ballot is left: its history stays.
      const left = await t.testDb.db.kysely
        .selectFrom('votes')
        .select('round_id')
        .where('topic_id', '=', topic.id)
        .execute();
      expect(left).toEqual([{ round_id: closed.roundId }]);
      expect((await withdraw('member')).statusCode).toBe(409);
      expect((await list(g.slug, '?status=withdrawn')).items.map((i) => i.id)).toEqual([topic.id]);
    });

    it('lets organizers archive an open topic, audited, giving the dots back', async () => {
      const g = await group();
      const topic = await created(g.slug, 'Rust at work');
      await round(g.id, { status: 'open', votes: [[topic.id, 'other', 1]] });
      const archive = (who: Who | 'anonymous', body?: unknown) =>
        as(who, {
          method: 'POST',
          url: topicUrl(g.slug, topic.id, '/archive'),
          ...(body === undefined ? {} : { body })
        });
      expect((await archive('anonymous')).statusCode).toBe(401);
      expect((await archive('member')).statusCode).toBe(403);
      expect(errorsOf(await archive('organizer', { reason: 'r'.repeat(501) }))).toEqual([
        'reason: Must be at most 500 characters.'
      ]);
      expect((await topicRow(topic.id)).status).toBe('open');
      expect(await votesOn(topic.id)).toBe(1);

      const res = await archive('organizer', { reason: 'Covered last year' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'archived', mergedInto: null, votes: 0 });
      expect(await votesOn(topic.id)).toBe(0);
      expect((await archive('organizer')).statusCode).toBe(409);
      expect(await auditActions(g.id)).toEqual([
        { action: 'topic.archived', details: expect.stringContaining('Covered last year') }
      ]);
      // Without a body at all.
      const second = await created(g.slug, 'WebAssembly');
      const bare = await as('owner', {
        method: 'POST',
        url: topicUrl(g.slug, second.id, '/archive')
      });
      expect(bare.statusCode, bare.body).toBe(200);
    });

    it('merges a duplicate: archived, comments moved, dots given back, target returned', async () => {
      const g = await group();
      const other = await group();
      const target = await created(g.slug, 'Kubernetes operators');
      const duplicate = await created(g.slug, 'K8s operators', 'other');
      const foreign = await created(other.slug, 'Operators elsewhere');
      const comment = async (id: string, body: string) =>
        tick().then(() =>
          as('member', { method: 'POST', url: topicUrl(g.slug, id, '/comments'), body: { body } })
        );
      await comment(target.id, 'On the target');
      await comment(duplicate.id, 'On the duplicate 1');
      await comment(duplicate.id, 'On the duplicate 2');
      await round(g.id, {
        status: 'open',
        votes: [
          [duplicate.id, 'member', 1],
          [target.id, 'other', 1]
        ]
      });
      const merge = (who: Who | 'anonymous', into: unknown, id = duplicate.id) =>
        as(who, { method: 'POST', url: topicUrl(g.slug, id, '/merge'), body: { into } });

      expect((await merge('anonymous', target.id)).statusCode).toBe(401);
      expect((await merge('member', target.id)).statusCode).toBe(403);
      expect(errorsOf(await merge('organizer', duplicate.id))).toEqual([
        'into: A topic cannot be merged into itself.'
      ]);
      expect(errorsOf(await merge('organizer', foreign.id))).toEqual([
        'into: Choose another topic of this group.'
      ]);
      expect(errorsOf(await merge('organizer', 'no-such-topic'))).toEqual([
        'into: Choose another topic of this group.'
      ]);
      expect(errorsOf(await merge('organizer', ''))).toEqual(['into: Must not be empty.']);
      const gone = await created(g.slug, 'Gone');
      await as('member', { method: 'POST', url: topicUrl(g.slug, gone.id, '/withdraw') });
      expect(errorsOf(await merge('organizer', gone.id))).toEqual([
        'into: Choose a topic that is still open.'
      ]);
      expect((await merge('organizer', duplicate.id, gone.id)).statusCode).toBe(409);
      // Nothing moved on any refusal.
      expect(await topicRow(duplicate.id)).toMatchObject({ status: 'open', comment_count: 2 });
      expect(await votesOn(duplicate.id)).toBe(1);
      expect(await auditActions(g.id)).toEqual([]);

      const res = await merge('owner', target.id);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        id: target.id,
        status: 'open',
        commentCount: 3,
        votes: 1
      });
      expect(await topicRow(duplicate.id)).toMatchObject({
        status: 'archived',
        merged_into: target.id,
        comment_count: 0
      });
      expect(await votesOn(duplicate.id)).toBe(0);
      const comments = await as('member', {
        method: 'GET',
        url: topicUrl(g.slug, target.id, '/comments')
      });
      expect(comments.json<{ items: { body: string }[] }>().items.map((c) => c.body)).toEqual([
        'On the target',
        'On the duplicate 1',
        'On the duplicate 2'
      ]);
      expect((await detail(g.slug, duplicate.id)).mergedInto).toBe(target.id);
      expect((await auditActions(g.id)).map((a) => a.action)).toEqual(['topic.merged']);
      expect((await merge('owner', target.id)).statusCode).toBe(409);
    });
  });

  describe('after the meeting', () => {
    it('records notes and links on a scheduled topic, and edits them again', async () => {
      const g = await group();
      const topic = await created(g.slug, 'Feature flags');
      const discussed = (who: Who | 'anonymous', body: unknown) =>
        as(who, { method: 'POST', url: topicUrl(g.slug, topic.id, '/discussed'), body });
      const notes = {
        notes: 'We use **Unleash**.',
        links: [{ title: 'Slides', url: 'https://slides.example/ff' }]
      };
      const open = await discussed('organizer', notes);
      expect(open.statusCode).toBe(409);
      expect(open.json()).toMatchObject({
        detail: 'Notes can only be added to a topic that was scheduled for a meeting.'
      });

      const eventId = await meeting(g.id, 'May meeting', -1);
      await t.testDb.db.kysely
        .updateTable('topics')
        .set({ status: 'scheduled', event_id: eventId })
        .where('id', '=', topic.id)
        .execute();
      expect((await discussed('anonymous', notes)).statusCode).toBe(401);
      expect((await discussed('member', notes)).statusCode).toBe(403);
      const tooMany = Array.from({ length: 21 }, (_, i) => ({
        title: `L${i}`,
        url: 'https://x.example'
      }));
      expect(errorsOf(await discussed('organizer', { links: tooMany }))).toEqual([
        'links: Allows at most 20 entries.'
      ]);
      expect(
        errorsOf(
          await discussed('organizer', { links: [{ title: 'Bad', url: 'file:///etc/passwd' }] })
        )
      ).toEqual(['links.0.url: Enter a valid URL starting with http:// or https://.']);
      expect(
        errorsOf(
          await discussed('organizer', { links: [{ title: ' ', url: 'https://x.example' }] })
        )
      ).toEqual(['links.0.title: Must not be empty.']);
      expect(errorsOf(await discussed('organizer', { notes: 'n'.repeat(20_001) }))).toEqual([
        'notes: Must be at most 20000 characters.'
      ]);
      expect((await topicRow(topic.id)).status).toBe('scheduled');

      const res = await discussed('organizer', notes);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'discussed',
        notes: 'We use **Unleash**.',
        notesHtml: '<p>We use <strong>Unleash</strong>.</p>\n',
        links: notes.links,
        event: {
          id: eventId,
          title: 'May meeting',
          startsAt: expect.stringMatching(ISO),
          timeZone: 'Europe/Berlin'
        },
        viewer: { canEdit: false, canManage: true }
      });
      const again = await discussed('owner', { notes: 'Recording is up.' });
      expect(again.json()).toMatchObject({
        status: 'discussed',
        notes: 'Recording is up.',
        links: []
      });
      // Its fields stay closed to edits.
      const patch = await as('organizer', {
        method: 'PATCH',
        url: topicUrl(g.slug, topic.id),
        body: { title: 'X' }
      });
      expect(patch.statusCode).toBe(409);
      expect(
        (await auditActions(g.id)).map((a) => [a.action, JSON.parse(a.details).edited])
      ).toEqual(
        expect.arrayContaining([
          ['topic.discussed', false],
          ['topic.discussed', true]
        ])
      );
    });
  });

  describe('comments', () => {
    it('writes, lists, pages and deletes comments, keeping the count in step', async () => {
      const g = await group();
      const topic = await created(g.slug, 'Pairing');
      const url = topicUrl(g.slug, topic.id, '/comments');
      const post = (who: Who | 'anonymous', body: unknown) =>
        tick().then(() => as(who, { method: 'POST', url, body }));
      expect((await post('anonymous', { body: 'Hi' })).statusCode).toBe(401);
      expect((await post('stranger', { body: 'Hi' })).statusCode).toBe(403);
      expect(errorsOf(await post('member', { body: '  ' }))).toEqual(['body: Must not be empty.']);
      expect(errorsOf(await post('member', { body: 'b'.repeat(5001) }))).toEqual([
        'body: Must be at most 5000 characters.'
      ]);
      expect(
        (
          await as('member', {
            method: 'POST',
            url: topicUrl(g.slug, 'nope', '/comments'),
            body: { body: 'x' }
          })
        ).statusCode
      ).toBe(404);
      expect((await topicRow(topic.id)).comment_count).toBe(0);

      const first = await post('member', { body: 'I can **pair** on this' });
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toEqual({
        id: expect.any(String),
        body: 'I can **pair** on this',
        bodyHtml: '<p>I can <strong>pair</strong> on this</p>\n',
        author: { id: users.member.id, displayName: 'Mia Member', handle: expect.any(String) },
        createdAt: expect.stringMatching(ISO),
        canDelete: true
      });
      const second = (await post('other', { body: 'Me too' })).json<{ id: string }>();
      const third = (await post('organizer', { body: 'Great' })).json<{ id: string }>();
      expect((await detail(g.slug, topic.id)).commentCount).toBe(3);

      const page1 = await as('anonymous', { method: 'GET', url: `${url}?limit=2` });
      const p1 = page1.json<{
        items: { body: string; canDelete: boolean }[];
        nextCursor: string;
      }>();
      expect(p1.items.map((c) => [c.body, c.canDelete])).toEqual([
        ['I can **pair** on this', false],
        ['Me too', false]
      ]);
      const page2 = await as('member', {
        method: 'GET',
        url: `${url}?limit=2&cursor=${p1.nextCursor}`
      });
      expect(page2.json()).toMatchObject({
        items: [{ body: 'Great', canDelete: false }],
        nextCursor: null
      });

      const del = (who: Who | 'anonymous', id: string) =>
        as(who, { method: 'DELETE', url: `${url}/${id}` });
      expect((await del('anonymous', second.id)).statusCode).toBe(401);
      expect((await del('member', second.id)).statusCode).toBe(403);
      expect((await del('member', 'no-such-comment')).statusCode).toBe(404);
      expect((await topicRow(topic.id)).comment_count).toBe(3);
      expect((await del('other', second.id)).statusCode).toBe(204); // its author
      expect((await del('organizer', first.json<{ id: string }>().id)).statusCode).toBe(204);
      expect((await del('organizer', first.json<{ id: string }>().id)).statusCode).toBe(404);
      expect((await topicRow(topic.id)).comment_count).toBe(1);
      const rest = await as('member', { method: 'GET', url });
      expect(rest.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toEqual([third.id]);

      // A withdrawn topic takes no more comments, but its comments stay readable.
      await as('member', { method: 'POST', url: topicUrl(g.slug, topic.id, '/withdraw') });
      const late = await post('member', { body: 'Too late' });
      expect(late.statusCode).toBe(409);
      expect(late.json()).toMatchObject({
        detail: 'This topic is archived or withdrawn and takes no more comments.'
      });
      expect((await topicRow(topic.id)).comment_count).toBe(1);
      expect((await as('member', { method: 'GET', url })).statusCode).toBe(200);
    });
  });

  describe('concurrency and documentation', () => {
    it('keeps comment counts in step while comments arrive during a merge', async () => {
      const g = await group();
      const target = await created(g.slug, 'Target');
      const duplicate = await created(g.slug, 'Duplicate');
      const comment = (id: string, i: number) =>
        as(i % 2 === 0 ? 'member' : 'other', {
          method: 'POST',
          url: topicUrl(g.slug, id, '/comments'),
          body: { body: `Comment ${i}` }
        });
      const answers = await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => comment(duplicate.id, i)),
        ...Array.from({ length: 4 }, (_, i) => comment(target.id, 100 + i)),
        as('organizer', {
          method: 'POST',
          url: topicUrl(g.slug, duplicate.id, '/merge'),
          body: { into: target.id }
        })
      ]);
      // A comment either landed before the merge (and moved) or was refused after it.
      expect(answers.map((a) => a.statusCode).filter((s) => s !== 201 && s !== 409)).toEqual([200]);
      const stored = async (id: string) =>
        (
          await t.testDb.db.kysely
            .selectFrom('topic_comments')
            .select('id')
            .where('topic_id', '=', id)
            .execute()
        ).length;
      expect(await stored(duplicate.id)).toBe(0);
      expect((await topicRow(duplicate.id)).comment_count).toBe(0);
      const accepted = answers.filter((a) => a.statusCode === 201).length;
      expect(await stored(target.id)).toBe(accepted);
      expect((await topicRow(target.id)).comment_count).toBe(accepted);
    });

    it('documents the topic endpoints in OpenAPI', async () => {
      const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
        paths: Record<
          string,
          Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>
        >;
      }>();
      const topic = '/api/v1/groups/{slug}/topics/{id}';
      for (const [path, methods] of [
        ['/api/v1/groups/{slug}/topics', ['get', 'post']],
        [topic, ['get', 'patch']],
        [`${topic}/withdraw`, ['post']],
        [`${topic}/archive`, ['post']],
        [`${topic}/merge`, ['post']],
        [`${topic}/discussed`, ['post']],
        [`${topic}/comments`, ['get', 'post']],
        [`${topic}/comments/{commentId}`, ['delete']]
      ] as const) {
        for (const method of methods) {
          const operation = doc.paths[path]?.[method];
          expect(operation?.tags, `${method} ${path}`).toEqual(['topics']);
          expect(operation?.summary, `${method} ${path}`).toEqual(expect.any(String));
          expect(Object.keys(operation?.responses ?? {}), `${method} ${path}`).toContain('404');
        }
      }
    });
  });
});
