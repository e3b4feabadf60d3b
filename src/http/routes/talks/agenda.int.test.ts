import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { Visibility } from '../../../domain/group-policy.ts';
import { agendaOf, appendAgendaItem } from '../../../services/agenda.service.ts';
import { listAudit } from '../../../services/audit.service.ts';
import { cancelMeeting, createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { createTalk, acceptTalk } from '../../../services/talk-write.service.ts';
import { addMemberships, type PersonaUser } from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

type Who = 'owner' | 'organizer' | 'host' | 'member' | 'pending' | 'outsider';

interface AgendaJson {
  eventId: string;
  items: {
    id: string;
    position: number;
    kind: string;
    title: string;
    durationMinutes: number;
    talk: {
      id: string;
      title: string;
      level: string;
      speaker: { id: string; name: string };
    } | null;
    topic: { id: string; title: string } | null;
    moderator: { id: string; displayName: string; handle: string } | null;
    fromRound: string | null;
  }[];
  timing: {
    totalMinutes: number;
    meetingMinutes: number;
    overMinutes: number;
    freeMinutes: number;
  };
  viewer: { canEdit: boolean };
}

describeWithApp('agenda', (app) => {
  let t: TestApp;
  const users = {} as Record<Who, PersonaUser>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    await t.buildUser({ name: 'Instance admin' });
    for (const who of ['owner', 'organizer', 'host', 'member', 'pending', 'outsider'] as const) {
      const { id, email } = await t.buildUser({ name: `Agenda ${who}` });
      users[who] = { id, email, cookie: await t.logIn(email) };
    }
  });

  /** A group with a 90-minute published meeting, an accepted talk on it and an open topic. */
  async function fixture(visibility: Visibility = 'public') {
    counter += 1;
    const db = t.testDb.db;
    const group = await createGroup(db, users.owner.id, {
      slug: `agenda-${counter}`,
      name: `Agenda ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility,
      joinPolicy: visibility === 'public' ? 'open' : 'approval'
    });
    await addMemberships(t, group.id, users, [
      ['organizer', 'organizer', 'active'],
      ['host', 'host', 'active'],
      ['member', 'member', 'active'],
      ['pending', 'member', 'pending']
    ]);
    const meeting = async (title: string) => {
      const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
      return createMeeting(db, t.queue, group.id, users.owner.id, {
        title,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 90 * 60_000),
        timeZone: 'Europe/Berlin',
        publish: true
      });
    };
    const first = await meeting('Main');
    const other = await meeting('Other');
    const talk = await createTalk(db, group.id, users.member.id, {
      title: 'Rust for Java people',
      durationMinutes: 45,
      level: 'beginner'
    });
    await acceptTalk(db, group.id, talk.id, users.owner.id, first.id);
    const elsewhere = await createTalk(db, group.id, users.member.id, {
      title: 'Elsewhere',
      durationMinutes: 20,
      level: 'advanced'
    });
    await acceptTalk(db, group.id, elsewhere.id, users.owner.id, other.id);
    const proposed = await createTalk(db, group.id, users.member.id, {
      title: 'Only proposed',
      durationMinutes: 20,
      level: 'advanced'
    });
    const topicId = await topic(group.id, 'Flaky tests');
    return { group, meeting: first, other, talk, elsewhere, proposed, topicId };
  }

  async function topic(groupId: string, title: string): Promise<string> {
    const id = randomUUID();
    const at = new Date().toISOString();
    await t.testDb.db.kysely
      .insertInto('topics')
      .values({
        id,
        group_id: groupId,
        title,
        wants: 'explain',
        status: 'open',
        link_url: null,
        proposed_by: users.member.id,
        event_id: null,
        merged_into: null,
        created_at: at,
        updated_at: at
      })
      .execute();
    return id;
  }

  const get = (eventId: string, who: Who | 'anonymous' = 'anonymous') =>
    t.request({
      method: 'GET',
      url: `/api/v1/events/${eventId}/agenda`,
      ...(who === 'anonymous' ? {} : { cookie: users[who].cookie })
    });
  const put = (eventId: string, body: unknown, who: Who | 'anonymous' = 'host') =>
    t.request({
      method: 'PUT',
      url: `/api/v1/events/${eventId}/agenda`,
      body,
      ...(who === 'anonymous' ? {} : { cookie: users[who].cookie })
    });

  it('puts an accepted talk on the agenda and times it against the meeting', async () => {
    const f = await fixture();
    const res = await get(f.meeting.id);
    expect(res.statusCode, res.body).toBe(200);
    const agenda = res.json<AgendaJson>();
    expect(agenda).toEqual({
      eventId: f.meeting.id,
      items: [
        {
          id: expect.any(String),
          position: 0,
          kind: 'talk',
          title: 'Rust for Java people',
          durationMinutes: 45,
          talk: {
            id: f.talk.id,
            title: 'Rust for Java people',
            level: 'beginner',
            speaker: { id: f.talk.speaker.id, name: 'Agenda member' }
          },
          topic: null,
          moderator: null,
          fromRound: null
        }
      ],
      timing: { totalMinutes: 45, meetingMinutes: 90, overMinutes: 0, freeMinutes: 45 },
      viewer: { canEdit: false }
    });
    expect((await get(f.meeting.id, 'host')).json().viewer).toEqual({ canEdit: true });
    expect((await get(f.meeting.id, 'member')).json().viewer).toEqual({ canEdit: false });
  });

  it('replaces the agenda in order, keeps ids, and warns when it runs over', async () => {
    const f = await fixture();
    const [talkItem] = (await get(f.meeting.id)).json<AgendaJson>().items;
    const res = await put(f.meeting.id, {
      items: [
        { kind: 'break', title: ' Welcome ', durationMinutes: 5 },
        {
          id: talkItem?.id,
          kind: 'talk',
          title: 'Rust, for Java people',
          durationMinutes: 50,
          talkId: f.talk.id
        },
        {
          kind: 'topic',
          title: 'Flaky tests',
          durationMinutes: 30,
          topicId: f.topicId,
          moderatorId: users.member.id
        },
        { kind: 'networking', title: 'Pizza', durationMinutes: 20, talkId: null, topicId: null }
      ]
    });
    expect(res.statusCode, res.body).toBe(200);
    const agenda = res.json<AgendaJson>();
    expect(agenda.items.map((i) => [i.position, i.kind, i.title, i.durationMinutes])).toEqual([
      [0, 'break', 'Welcome', 5],
      [1, 'talk', 'Rust, for Java people', 50],
      [2, 'topic', 'Flaky tests', 30],
      [3, 'networking', 'Pizza', 20]
    ]);
    expect(agenda.items[1]?.id).toBe(talkItem?.id);
    expect(agenda.items[2]).toMatchObject({
      topic: { id: f.topicId, title: 'Flaky tests' },
      moderator: { id: users.member.id, displayName: 'Agenda member' }
    });
    // 105 minutes planned for a 90-minute meeting: an over-run of 15.
    expect(agenda.timing).toEqual({
      totalMinutes: 105,
      meetingMinutes: 90,
      overMinutes: 15,
      freeMinutes: 0
    });
    expect(agenda.viewer).toEqual({ canEdit: true });
    expect((await get(f.meeting.id)).json<AgendaJson>().items).toEqual(agenda.items);

    // Reorder and drop: the break goes, the networking block moves up.
    const [welcome, talk, flaky, pizza] = agenda.items;
    const again = await put(
      f.meeting.id,
      {
        items: [
          { id: pizza?.id, kind: 'networking', title: 'Pizza', durationMinutes: 20 },
          { id: talk?.id, kind: 'talk', title: 'Rust', durationMinutes: 45, talkId: f.talk.id },
          {
            id: flaky?.id,
            kind: 'topic',
            title: 'Flaky tests',
            durationMinutes: 25,
            topicId: f.topicId
          }
        ]
      },
      'organizer'
    );
    const after = again.json<AgendaJson>();
    expect(after.items.map((i) => [i.id, i.position])).toEqual([
      [pizza?.id, 0],
      [talk?.id, 1],
      [flaky?.id, 2]
    ]);
    expect(after.items.some((i) => i.id === welcome?.id)).toBe(false);
    expect(after.items[2]?.moderator).toBeNull();
    expect(after.timing).toMatchObject({ totalMinutes: 90, overMinutes: 0, freeMinutes: 0 });

    const empty = await put(f.meeting.id, { items: [] }, 'owner');
    expect(empty.json<AgendaJson>()).toMatchObject({ items: [], timing: { freeMinutes: 90 } });
    const audit = (await listAudit(t.testDb.db, f.group.id)).filter(
      (e) => e.action === 'agenda.updated'
    );
    expect(audit).toHaveLength(3);
    expect(audit[0]?.details).toMatchObject({ eventId: f.meeting.id });
  });

  it('refuses bad items per field and leaves the agenda as it was', async () => {
    const f = await fixture();
    const foreign = await fixture();
    const before = (await get(f.meeting.id)).json<AgendaJson>();
    const talkItem = before.items[0];
    const brk = { kind: 'break', title: 'Break', durationMinutes: 10 };
    const talk = { kind: 'talk', title: 'Talk', durationMinutes: 45, talkId: f.talk.id };
    const cases: [unknown, { field: string; message: string }[]][] = [
      [{}, [{ field: 'items', message: 'This field is required.' }]],
      [{ items: 'none' }, [{ field: 'items', message: 'Must be a list.' }]],
      [
        { items: Array.from({ length: 51 }, () => brk) },
        [{ field: 'items', message: 'Allows at most 50 entries.' }]
      ],
      [
        { items: [{ ...brk, kind: undefined }] },
        [{ field: 'items.0.kind', message: 'This field is required.' }]
      ],
      [
        { items: [brk, { ...brk, kind: 'lunch' }] },
        [{ field: 'items.1.kind', message: 'Must be one of: talk, topic, break, networking.' }]
      ],
      [
        { items: [{ ...brk, title: ' ' }] },
        [{ field: 'items.0.title', message: 'Must not be empty.' }]
      ],
      [
        { items: [{ ...brk, title: 'x'.repeat(141) }] },
        [{ field: 'items.0.title', message: 'Must be at most 140 characters.' }]
      ],
      [
        { items: [{ ...brk, durationMinutes: 0 }] },
        [{ field: 'items.0.durationMinutes', message: 'Must be at least 1.' }]
      ],
      [
        { items: [{ ...brk, durationMinutes: 601 }] },
        [{ field: 'items.0.durationMinutes', message: 'Must be at most 600.' }]
      ],
      [
        { items: [{ ...brk, durationMinutes: '10' }] },
        [{ field: 'items.0.durationMinutes', message: 'Must be a number.' }]
      ],
      [
        { items: [{ ...brk, speaker: 'x' }] },
        [{ field: 'items.0.speaker', message: 'This field is not allowed here.' }]
      ],
      [
        { items: [brk, { ...brk, id: 'nope' }] },
        [{ field: 'items.1.id', message: 'This item is not on this meeting’s agenda.' }]
      ],
      [
        { items: [{ ...brk, id: foreign.meeting.id }] },
        [{ field: 'items.0.id', message: 'This item is not on this meeting’s agenda.' }]
      ],
      [
        {
          items: [
            { ...talk, id: talkItem?.id },
            { ...brk, id: talkItem?.id }
          ]
        },
        [{ field: 'items.1.id', message: 'This item is listed twice.' }]
      ],
      [
        { items: [{ ...talk, talkId: undefined }] },
        [{ field: 'items.0.talkId', message: 'This field is required.' }]
      ],
      [
        { items: [{ ...talk, talkId: f.proposed.id }] },
        [{ field: 'items.0.talkId', message: 'Choose a talk accepted for this meeting.' }]
      ],
      [
        { items: [{ ...talk, talkId: f.elsewhere.id }] },
        [{ field: 'items.0.talkId', message: 'Choose a talk accepted for this meeting.' }]
      ],
      [
        { items: [{ ...talk, talkId: foreign.talk.id }] },
        [{ field: 'items.0.talkId', message: 'Choose a talk accepted for this meeting.' }]
      ],
      [
        { items: [talk, brk, talk] },
        [{ field: 'items.2.talkId', message: 'This talk is on the agenda already.' }]
      ],
      [
        { items: [{ ...brk, talkId: f.talk.id }] },
        [{ field: 'items.0.talkId', message: 'Only talk items refer to a talk.' }]
      ],
      [
        { items: [{ kind: 'topic', title: 'T', durationMinutes: 5 }] },
        [{ field: 'items.0.topicId', message: 'This field is required.' }]
      ],
      [
        { items: [{ kind: 'topic', title: 'T', durationMinutes: 5, topicId: foreign.topicId }] },
        [{ field: 'items.0.topicId', message: 'Choose a topic of this group.' }]
      ],
      [
        {
          items: [
            { kind: 'topic', title: 'T', durationMinutes: 5, topicId: f.topicId },
            { kind: 'topic', title: 'T', durationMinutes: 5, topicId: f.topicId }
          ]
        },
        [{ field: 'items.1.topicId', message: 'This topic is on the agenda already.' }]
      ],
      [
        { items: [{ ...talk, topicId: f.topicId }] },
        [{ field: 'items.0.topicId', message: 'Only topic items refer to a topic.' }]
      ],
      [
        { items: [{ ...brk, moderatorId: users.outsider.id }] },
        [{ field: 'items.0.moderatorId', message: 'Choose an active member of this group.' }]
      ],
      [
        { items: [{ ...brk, moderatorId: users.pending.id }] },
        [{ field: 'items.0.moderatorId', message: 'Choose an active member of this group.' }]
      ]
    ];
    for (const [body, errors] of cases) {
      const res = await put(f.meeting.id, body);
      const label = JSON.stringify(body).slice(0, 80);
      expect(res.statusCode, label).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors, label).toEqual(errors);
    }
    expect((await get(f.meeting.id)).json()).toEqual(before);
    const de = await t.request({
      method: 'PUT',
      url: `/api/v1/events/${f.meeting.id}/agenda`,
      cookie: users.host.cookie,
      headers: { 'accept-language': 'de' },
      body: { items: [{ ...talk, talkId: f.proposed.id }] }
    });
    expect(de.json().errors).toEqual([
      {
        field: 'items.0.talkId',
        message: 'Wähle einen Vortrag, der für dieses Treffen angenommen ist.'
      }
    ]);
  });

  it('refuses those who may not set the agenda, and keeps a cancelled meeting’s agenda read-only', async () => {
    const f = await fixture();
    const body = { items: [{ kind: 'break', title: 'Coffee', durationMinutes: 15 }] };
    expect((await put(f.meeting.id, body, 'anonymous')).statusCode).toBe(401);
    expect((await put(f.meeting.id, body, 'member')).statusCode).toBe(403);
    expect((await put(f.meeting.id, body, 'outsider')).statusCode).toBe(403);
    expect((await put('no-such-meeting', body)).statusCode).toBe(404);
    const closed = await fixture('private');
    expect((await put(closed.meeting.id, body, 'outsider')).statusCode).toBe(404);
    expect((await get(closed.meeting.id, 'outsider')).statusCode).toBe(404);
    expect((await get(closed.meeting.id)).statusCode).toBe(404);
    expect((await get(closed.meeting.id, 'member')).statusCode).toBe(200);

    await cancelMeeting(t.testDb.db, t.queue, f.meeting, 'Storm');
    const res = await put(f.meeting.id, body, 'owner');
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toBe(
      'This meeting is cancelled: its agenda can no longer be changed.'
    );
    const read = (await get(f.meeting.id, 'owner')).json<AgendaJson>();
    expect(read.items.map((i) => i.kind)).toEqual(['talk']);
    expect(read.viewer.canEdit).toBe(false);
  });

  it('lets services append items before a trailing break, and keeps the round of a topic', async () => {
    const f = await fixture();
    const db = t.testDb.db;
    const at = new Date().toISOString();
    const roundId = randomUUID();
    await db.kysely
      .insertInto('voting_rounds')
      .values({
        id: roundId,
        group_id: f.group.id,
        event_id: f.meeting.id,
        status: 'closed',
        opens_at: at,
        closes_at: at,
        votes_per_member: 3,
        votes_per_topic: 1,
        agenda_topics: 2,
        tally_visibility: 'live',
        override_reason: null,
        overridden_by: null,
        overridden_at: null,
        opened_by: null,
        closed_at: at,
        created_at: at
      })
      .execute();
    const current = await agendaOf(db, f.meeting.id);
    await put(f.meeting.id, {
      items: [
        {
          id: current.items[0]?.id,
          kind: 'talk',
          title: 'Rust',
          durationMinutes: 45,
          talkId: f.talk.id
        },
        { kind: 'networking', title: 'Drinks', durationMinutes: 30 }
      ]
    });
    const second = await topic(f.group.id, 'Monorepos');
    await db.kysely.transaction().execute(async (trx) => {
      await appendAgendaItem(trx, f.meeting.id, {
        kind: 'topic',
        title: 'Flaky tests',
        durationMinutes: 30,
        topicId: f.topicId,
        roundId
      });
      await appendAgendaItem(trx, f.meeting.id, {
        kind: 'topic',
        title: 'Monorepos',
        durationMinutes: 30,
        topicId: second,
        roundId
      });
    });
    const agenda = await agendaOf(db, f.meeting.id);
    expect(agenda.items.map((i) => [i.position, i.title, i.fromRound])).toEqual([
      [0, 'Rust', null],
      [1, 'Flaky tests', roundId],
      [2, 'Monorepos', roundId],
      [3, 'Drinks', null]
    ]);
    expect(agenda.timing).toEqual({
      totalMinutes: 135,
      meetingMinutes: 90,
      overMinutes: 45,
      freeMinutes: 0
    });
    // Kept as the same topic, an item keeps its round; given another topic, it was placed by hand.
    const items = agenda.items.map((i) => ({
      id: i.id,
      kind: i.kind,
      title: i.title,
      durationMinutes: i.durationMinutes,
      talkId: i.talk?.id ?? null,
      topicId: i.topic?.id ?? null
    }));
    const swapped = items.map((i) =>
      i.topicId === second
        ? { ...i, topicId: f.topicId }
        : i.topicId === f.topicId
          ? { ...i, topicId: second }
          : i
    );
    const kept = await put(f.meeting.id, { items });
    expect(kept.json<AgendaJson>().items.map((i) => i.fromRound)).toEqual([
      null,
      roundId,
      roundId,
      null
    ]);
    const changed = await put(f.meeting.id, { items: swapped });
    expect(changed.json<AgendaJson>().items.map((i) => i.fromRound)).toEqual([
      null,
      null,
      null,
      null
    ]);
    expect(await agendaOf(db, 'no-such-meeting')).toEqual({
      eventId: 'no-such-meeting',
      items: [],
      timing: { totalMinutes: 0, meetingMinutes: 0, overMinutes: 0, freeMinutes: 0 }
    });
  });

  it('documents the agenda endpoints in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    expect(doc.paths['/api/v1/events/{id}/agenda']?.get?.tags).toEqual(['agenda']);
    expect(doc.paths['/api/v1/events/{id}/agenda']?.put?.tags).toEqual(['agenda']);
  });
});
