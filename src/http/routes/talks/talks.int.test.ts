import { beforeAll, expect, it } from 'vitest';
import type { Visibility } from '../../../domain/group-policy.ts';
import { listAudit } from '../../../services/audit.service.ts';
import { cancelMeeting, createMeeting, findMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { addMemberships, type PersonaUser } from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const proposal = {
  title: 'Property-based testing',
  abstract: 'Let **fast-check** find the bugs.',
  durationMinutes: 30,
  level: 'intermediate'
};

type Who = 'owner' | 'organizer' | 'host' | 'member' | 'other' | 'outsider';

interface TalkJson {
  id: string;
  status: string;
  title: string;
  decisionNote: string | null;
  event: { id: string } | null;
  speaker: { id: string; name: string; company: string | null };
  viewer: { canEdit: boolean; canDecide: boolean; canWithdraw: boolean };
}

describeWithApp('talks', (app) => {
  let t: TestApp;
  const users = {} as Record<Who | 'admin', PersonaUser>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    for (const who of ['admin', 'owner', 'organizer', 'host', 'member', 'other', 'outsider']) {
      const { id, email } = await t.buildUser({ name: `Talks ${who}` });
      users[who as Who] = { id, email, cookie: await t.logIn(email) };
    }
    await t.testDb.db.kysely
      .updateTable('users')
      .set({ bio: 'Tester by *trade*.' })
      .where('id', '=', users.member.id)
      .execute();
  });

  /** A group owned by `owner` with organizer, host and two members, and two published meetings. */
  async function group(visibility: Visibility = 'public') {
    counter += 1;
    const db = t.testDb.db;
    const created = await createGroup(db, users.owner.id, {
      slug: `talks-${counter}`,
      name: `Talks ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility,
      joinPolicy: visibility === 'public' ? 'open' : 'approval'
    });
    await addMemberships(t, created.id, users, [
      ['organizer', 'organizer', 'active'],
      ['host', 'host', 'active'],
      ['member', 'member', 'active'],
      ['other', 'member', 'active']
    ]);
    const meeting = async (days: number, title: string, publish = true) => {
      const startsAt = new Date(Date.now() + days * 24 * 3600_000);
      return createMeeting(db, t.queue, created.id, users.owner.id, {
        title,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 90 * 60_000),
        timeZone: 'Europe/Berlin',
        publish
      });
    };
    const first = await meeting(7, 'March meeting');
    const second = await meeting(35, 'April meeting');
    return { slug: created.slug, id: created.id, first: first.id, second: second.id, meeting };
  }

  const as = (who: Who | 'admin' | 'anonymous') =>
    who === 'anonymous' ? {} : { cookie: users[who].cookie };

  const propose = (slug: string, body: unknown, who: Who | 'admin' | 'anonymous' = 'member') =>
    t.request({ method: 'POST', url: `/api/v1/groups/${slug}/talks`, body, ...as(who) });

  const action = (
    slug: string,
    id: string,
    path: string,
    who: Who | 'admin' | 'anonymous',
    body?: unknown
  ) =>
    t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/talks/${id}/${path}`,
      ...(body !== undefined ? { body } : {}),
      ...as(who)
    });

  const patch = (slug: string, id: string, body: unknown, who: Who | 'admin' = 'member') =>
    t.request({ method: 'PATCH', url: `/api/v1/groups/${slug}/talks/${id}`, body, ...as(who) });

  const list = async (slug: string, who: Who | 'admin' | 'anonymous', query = '') => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${slug}/talks${query}`,
      ...as(who)
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: TalkJson[]; nextCursor: string | null }>();
  };

  const agendaOfMeeting = async (eventId: string) => {
    const res = await t.request({ method: 'GET', url: `/api/v1/events/${eventId}/agenda` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      items: {
        id: string;
        kind: string;
        title: string;
        durationMinutes: number;
        talk: { id: string } | null;
      }[];
      timing: { totalMinutes: number };
    }>();
  };

  it('lets a member propose a talk, creating their speaker entry from their profile once', async () => {
    const g = await group();
    const res = await propose(g.slug, proposal);
    expect(res.statusCode, res.body).toBe(201);
    const talk = res.json();
    expect(talk).toEqual({
      id: expect.any(String),
      ...proposal,
      abstractHtml: '<p>Let <strong>fast-check</strong> find the bugs.</p>\n',
      status: 'proposed',
      speaker: { id: expect.any(String), name: 'Talks member', company: null },
      event: null,
      slidesUrl: null,
      recordingUrl: null,
      decisionNote: null,
      submittedBy: { id: users.member.id, displayName: 'Talks member', handle: expect.any(String) },
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: talk.createdAt,
      viewer: { canEdit: true, canDecide: false, canWithdraw: true }
    });
    const second = (await propose(g.slug, { ...proposal, title: 'Second' })).json<TalkJson>();
    expect(second.speaker.id).toBe(talk.speaker.id);
    const speakers = await t.testDb.db.kysely
      .selectFrom('speakers')
      .selectAll()
      .where('group_id', '=', g.id)
      .execute();
    expect(speakers).toMatchObject([
      { user_id: users.member.id, name: 'Talks member', bio: 'Tester by *trade*.' }
    ]);
    // The abstract is optional.
    const bare = await propose(g.slug, { title: 'Bare', durationMinutes: 5, level: 'beginner' });
    expect(bare.json()).toMatchObject({ abstract: '', abstractHtml: '' });
  });

  it('walks the ladder: 401, 400 per field, 403 and 404 per role', async () => {
    const g = await group();
    expect((await propose(g.slug, proposal, 'anonymous')).statusCode).toBe(401);
    const cases: [Record<string, unknown>, { field: string; message: string }[]][] = [
      [
        {},
        ['title', 'durationMinutes', 'level'].map((field) => ({
          field,
          message: 'This field is required.'
        }))
      ],
      [{ ...proposal, title: '  ' }, [{ field: 'title', message: 'Must not be empty.' }]],
      [
        { ...proposal, title: 'x'.repeat(141) },
        [{ field: 'title', message: 'Must be at most 140 characters.' }]
      ],
      [
        { ...proposal, abstract: 'x'.repeat(10_001) },
        [{ field: 'abstract', message: 'Must be at most 10000 characters.' }]
      ],
      [
        { ...proposal, durationMinutes: 4 },
        [{ field: 'durationMinutes', message: 'Must be at least 5.' }]
      ],
      [
        { ...proposal, durationMinutes: 241 },
        [{ field: 'durationMinutes', message: 'Must be at most 240.' }]
      ],
      [
        { ...proposal, durationMinutes: 12.5 },
        [{ field: 'durationMinutes', message: 'Must be a whole number.' }]
      ],
      [
        { ...proposal, level: 'expert' },
        [{ field: 'level', message: 'Must be one of: beginner, intermediate, advanced.' }]
      ],
      [
        { ...proposal, status: 'accepted' },
        [{ field: 'status', message: 'This field is not allowed here.' }]
      ]
    ];
    for (const [body, errors] of cases) {
      const res = await propose(g.slug, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors, JSON.stringify(body).slice(0, 60)).toEqual(errors);
    }
    // Not a member (an instance admin is not one either): refused.
    expect((await propose(g.slug, proposal, 'outsider')).statusCode).toBe(403);
    expect((await propose(g.slug, proposal, 'admin')).statusCode).toBe(403);
    // Only organizers name an invited speaker or accept at once.
    expect((await propose(g.slug, { ...proposal, eventId: g.first })).statusCode).toBe(403);
    expect((await propose(g.slug, { ...proposal, speakerId: 'x' }, 'host')).statusCode).toBe(403);
    const hidden = await group('hidden');
    expect((await propose(hidden.slug, proposal, 'outsider')).statusCode).toBe(404);
    expect((await propose('no-such-group', proposal)).statusCode).toBe(404);
    // Nothing was stored by any of these.
    const stored = await t.testDb.db.kysely
      .selectFrom('talks')
      .select('id')
      .where('group_id', 'in', [g.id, hidden.id])
      .execute();
    expect(stored).toEqual([]);
    const speakers = await t.testDb.db.kysely
      .selectFrom('speakers')
      .select('id')
      .where('group_id', 'in', [g.id, hidden.id])
      .execute();
    expect(speakers).toEqual([]);
    // In German, too; and never a 500 for a malformed body.
    const de = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${g.slug}/talks`,
      cookie: users.member.cookie,
      headers: { 'accept-language': 'de' },
      body: { ...proposal, title: '' }
    });
    expect(de.json().errors).toEqual([{ field: 'title', message: 'Darf nicht leer sein.' }]);
    for (const payload of ['not json', '[]', 'null', '{"title":']) {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/groups/${g.slug}/talks`,
        cookie: users.member.cookie,
        headers: { 'content-type': 'application/json' },
        body: payload
      });
      expect(res.statusCode, payload).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, payload).toBeLessThan(500);
    }
  });

  it('shows proposals per role: organizers all, members accepted plus their own, others accepted', async () => {
    const g = await group();
    const mine = (await propose(g.slug, { ...proposal, title: 'Mine' })).json<TalkJson>();
    const theirs = (
      await propose(g.slug, { ...proposal, title: 'Theirs' }, 'other')
    ).json<TalkJson>();
    const accepted = (
      await propose(g.slug, { ...proposal, title: 'Accepted' }, 'other')
    ).json<TalkJson>();
    const declined = (await propose(g.slug, { ...proposal, title: 'Declined' })).json<TalkJson>();
    expect(
      (await action(g.slug, accepted.id, 'accept', 'organizer', { eventId: g.first })).statusCode
    ).toBe(200);
    const decline = await action(g.slug, declined.id, 'decline', 'organizer', { note: 'Too long' });
    expect(decline.statusCode, decline.body).toBe(200);
    expect(decline.json()).toMatchObject({ status: 'declined', decisionNote: 'Too long' });

    const titles = async (who: Who | 'admin' | 'anonymous', query = '') =>
      (await list(g.slug, who, query)).items.map((i) => i.title).sort();
    for (const who of ['organizer', 'owner', 'admin'] as const) {
      expect(await titles(who), who).toEqual(['Accepted', 'Declined', 'Mine', 'Theirs']);
    }
    expect(await titles('member')).toEqual(['Accepted', 'Declined', 'Mine']);
    expect(await titles('other')).toEqual(['Accepted', 'Theirs']);
    expect(await titles('host')).toEqual(['Accepted']);
    for (const who of ['outsider', 'anonymous'] as const) {
      expect(await titles(who), who).toEqual(['Accepted']);
    }
    expect(await titles('organizer', '?status=proposed')).toEqual(['Mine', 'Theirs']);
    expect(await titles('member', '?status=proposed')).toEqual(['Mine']);
    expect(await titles('anonymous', '?status=proposed')).toEqual([]);

    // One proposal, as each sees it: the decision note only for its submitter and deciders.
    const one = (who: Who | 'admin' | 'anonymous', id: string) =>
      t.request({ method: 'GET', url: `/api/v1/groups/${g.slug}/talks/${id}`, ...as(who) });
    expect((await one('member', declined.id)).json().decisionNote).toBe('Too long');
    expect((await one('organizer', declined.id)).json().decisionNote).toBe('Too long');
    for (const who of ['other', 'host', 'outsider', 'anonymous'] as const) {
      expect((await one(who, declined.id)).statusCode, who).toBe(404);
      expect((await one(who, mine.id)).statusCode, who).toBe(404);
    }
    expect((await one('anonymous', accepted.id)).json()).toMatchObject({
      status: 'accepted',
      decisionNote: null,
      event: { id: g.first, title: 'March meeting' },
      viewer: { canEdit: false, canDecide: false, canWithdraw: false }
    });
    expect((await one('organizer', theirs.id)).json().viewer).toEqual({
      canEdit: true,
      canDecide: true,
      canWithdraw: false
    });
    expect((await one('owner', 'nope')).statusCode).toBe(404);

    // A private group's talks are a 404 to those who may not read it.
    const closed = await group('private');
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/groups/${closed.slug}/talks` })).statusCode
    ).toBe(404);
    expect(
      (
        await t.request({
          method: 'GET',
          url: `/api/v1/groups/${closed.slug}/talks`,
          ...as('outsider')
        })
      ).statusCode
    ).toBe(404);
  });

  it('pages through talks newest first', async () => {
    const g = await group();
    for (const n of [1, 2, 3, 4, 5]) {
      expect((await propose(g.slug, { ...proposal, title: `T${n}` })).statusCode).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(g.slug, 'member', `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['T5', 'T4', 'T3', 'T2', 'T1']);
    const bad = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/talks?cursor=zzz`
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'cursor', message: 'This value is not valid.' }]);
    const badLimit = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/talks?limit=0`
    });
    expect(badLimit.json().errors).toEqual([{ field: 'limit', message: 'Must be at least 1.' }]);
  });

  it('accepts a talk onto the agenda before a trailing break, and moves it with its item', async () => {
    const g = await group();
    // The first meeting already has a talk and a networking block at the end.
    const put = await t.request({
      method: 'PUT',
      url: `/api/v1/events/${g.first}/agenda`,
      cookie: users.host.cookie,
      body: {
        items: [
          { kind: 'break', title: 'Welcome', durationMinutes: 10 },
          { kind: 'networking', title: 'Drinks', durationMinutes: 30 }
        ]
      }
    });
    expect(put.statusCode, put.body).toBe(200);
    const talk = (await propose(g.slug, proposal)).json<TalkJson>();
    const accepted = await action(g.slug, talk.id, 'accept', 'organizer', { eventId: g.first });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', event: { id: g.first } });
    let first = await agendaOfMeeting(g.first);
    // After the leading break (no talk or topic yet): position 0, before the trailing block.
    expect(first.items.map((i) => [i.kind, i.title, i.durationMinutes])).toEqual([
      ['talk', proposal.title, 30],
      ['break', 'Welcome', 10],
      ['networking', 'Drinks', 30]
    ]);
    const item = first.items[0];
    expect(item?.talk?.id).toBe(talk.id);

    const another = (
      await propose(g.slug, { ...proposal, title: 'Another', durationMinutes: 20 }, 'other')
    ).json<TalkJson>();
    await action(g.slug, another.id, 'accept', 'owner', { eventId: g.first });
    first = await agendaOfMeeting(g.first);
    expect(first.items.map((i) => i.title)).toEqual([
      proposal.title,
      'Another',
      'Welcome',
      'Drinks'
    ]);

    // Accepting it into the April meeting moves the talk and its agenda item (same id).
    const moved = await action(g.slug, talk.id, 'accept', 'organizer', { eventId: g.second });
    expect(moved.json()).toMatchObject({ status: 'accepted', event: { id: g.second } });
    first = await agendaOfMeeting(g.first);
    expect(first.items.map((i) => i.title)).toEqual(['Another', 'Welcome', 'Drinks']);
    expect(first.timing.totalMinutes).toBe(60);
    const second = await agendaOfMeeting(g.second);
    expect(second.items.map((i) => [i.id, i.kind, i.talk?.id])).toEqual([
      [item?.id, 'talk', talk.id]
    ]);
    // Accepting again into the same meeting changes nothing on its agenda.
    await action(g.slug, talk.id, 'accept', 'organizer', { eventId: g.second });
    expect((await agendaOfMeeting(g.second)).items.map((i) => i.id)).toEqual([item?.id]);

    // Declining an accepted talk takes it off the agenda.
    await action(g.slug, another.id, 'later', 'organizer', { note: 'Next season' });
    expect((await agendaOfMeeting(g.first)).items.map((i) => i.title)).toEqual([
      'Welcome',
      'Drinks'
    ]);

    const audit = await listAudit(t.testDb.db, g.id);
    const decisions = audit.filter((e) => e.action.startsWith('talk.'));
    expect(decisions.map((e) => e.action).sort()).toEqual([
      'talk.accepted',
      'talk.accepted',
      'talk.accepted',
      'talk.accepted',
      'talk.later'
    ]);
    expect(decisions.find((e) => e.details.movedFrom)?.details).toMatchObject({
      talkId: talk.id,
      eventId: g.second,
      movedFrom: g.first
    });
  });

  it('accepts only into a published meeting of the group', async () => {
    const g = await group();
    const other = await group();
    const draft = await g.meeting(10, 'Draft', false);
    const cancelled = await g.meeting(12, 'Cancelled');
    await cancelMeeting(t.testDb.db, t.queue, cancelled, 'Snow');
    const talk = (await propose(g.slug, proposal)).json<TalkJson>();
    const cases: [unknown, string, string][] = [
      [{}, 'eventId', 'This field is required.'],
      [{ eventId: '' }, 'eventId', 'Must not be empty.'],
      [{ eventId: 'nope' }, 'eventId', 'Choose a published meeting of this group.'],
      [{ eventId: draft.id }, 'eventId', 'Choose a published meeting of this group.'],
      [{ eventId: other.first }, 'eventId', 'Choose a published meeting of this group.'],
      [{ eventId: cancelled.id }, 'eventId', 'This meeting is cancelled. Choose another one.']
    ];
    for (const [body, field, message] of cases) {
      const res = await action(g.slug, talk.id, 'accept', 'organizer', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors).toEqual([{ field, message }]);
    }
    const after = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/talks/${talk.id}`,
      ...as('member')
    });
    expect(after.json()).toMatchObject({ status: 'proposed', event: null });
    expect((await agendaOfMeeting(cancelled.id)).items).toEqual([]);
    // The submitter cannot accept their own; hosts do not decide (nor see proposals).
    expect(
      (await action(g.slug, talk.id, 'accept', 'member', { eventId: g.first })).statusCode
    ).toBe(403);
    expect((await action(g.slug, talk.id, 'accept', 'host', { eventId: g.first })).statusCode).toBe(
      404
    );
    expect(
      (await action(g.slug, talk.id, 'accept', 'anonymous', { eventId: g.first })).statusCode
    ).toBe(401);
    const note = await action(g.slug, talk.id, 'decline', 'organizer', { note: 'x'.repeat(2001) });
    expect(note.json().errors).toEqual([
      { field: 'note', message: 'Must be at most 2000 characters.' }
    ]);
  });

  it('lets the submitter edit while proposed or kept, add links anytime, and withdraw', async () => {
    const g = await group();
    const talk = (await propose(g.slug, proposal)).json<TalkJson>();
    const edited = await patch(g.slug, talk.id, { title: 'Sharper title', durationMinutes: 45 });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ title: 'Sharper title', durationMinutes: 45 });
    expect((await patch(g.slug, talk.id, { title: 'Not mine' }, 'other')).statusCode).toBe(404);
    const bad = await patch(g.slug, talk.id, { slidesUrl: 'javascript:alert(1)', level: 'x' });
    expect(bad.json().errors).toEqual([
      { field: 'level', message: 'Must be one of: beginner, intermediate, advanced.' },
      { field: 'slidesUrl', message: 'Enter a valid URL starting with http:// or https://.' }
    ]);

    await action(g.slug, talk.id, 'later', 'organizer', { note: 'Maybe in summer' });
    expect((await patch(g.slug, talk.id, { abstract: 'More detail' })).statusCode).toBe(200);
    await action(g.slug, talk.id, 'accept', 'organizer', { eventId: g.first });
    const locked = await patch(g.slug, talk.id, { title: 'Too late' });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().detail).toBe(
      'This talk has been decided or withdrawn: only its slides and recording links can still change.'
    );
    // Others may read the accepted talk now, but not change it.
    expect((await patch(g.slug, talk.id, { title: 'Not mine' }, 'other')).statusCode).toBe(403);
    expect((await patch(g.slug, talk.id, { title: 'Not mine' }, 'host')).statusCode).toBe(403);
    const links = await patch(g.slug, talk.id, {
      slidesUrl: 'https://slides.example/pbt',
      recordingUrl: 'https://video.example/pbt'
    });
    expect(links.json()).toMatchObject({
      title: 'Sharper title',
      slidesUrl: 'https://slides.example/pbt',
      recordingUrl: 'https://video.example/pbt'
    });
    // Organizers change anything, anytime; the agenda item keeps its own title.
    const renamed = await patch(
      g.slug,
      talk.id,
      { title: 'Organizer title', recordingUrl: null },
      'organizer'
    );
    expect(renamed.json()).toMatchObject({ title: 'Organizer title', recordingUrl: null });

    expect((await action(g.slug, talk.id, 'withdraw', 'organizer')).statusCode).toBe(403);
    const withdrawn = await action(g.slug, talk.id, 'withdraw', 'member');
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', event: null });
    expect((await agendaOfMeeting(g.first)).items).toEqual([]);
    const again = await action(g.slug, talk.id, 'withdraw', 'member');
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe('Only a proposed, kept or accepted talk can be withdrawn.');
    const accept = await action(g.slug, talk.id, 'accept', 'organizer', { eventId: g.first });
    expect(accept.statusCode).toBe(409);
    expect(accept.json().detail).toBe('This talk was withdrawn by its speaker.');
  });

  it('keeps a talk that was given where it was', async () => {
    const g = await group();
    const talk = (await propose(g.slug, proposal)).json<TalkJson>();
    await action(g.slug, talk.id, 'accept', 'organizer', { eventId: g.first });
    // The meeting took place.
    await t.testDb.db.kysely
      .updateTable('events')
      .set({
        starts_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
        ends_at: new Date(Date.now() - 3600_000).toISOString()
      })
      .where('id', '=', g.first)
      .execute();
    for (const [path, who, body] of [
      ['withdraw', 'member', undefined],
      ['decline', 'organizer', {}],
      ['accept', 'organizer', { eventId: g.second }]
    ] as const) {
      const res = await action(g.slug, talk.id, path, who, body);
      expect(res.statusCode, path).toBe(409);
      expect(res.json().detail).toBe('This talk has been given already: its meeting is over.');
    }
    const links = await patch(g.slug, talk.id, { recordingUrl: 'https://video.example/given' });
    expect(links.statusCode).toBe(200);
  });

  it('lets organizers add a talk for an invited speaker, accepted at once or proposed', async () => {
    const g = await group();
    const speaker = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${g.slug}/speakers`,
      cookie: users.organizer.cookie,
      body: { name: 'Grace Guest', company: 'Navy', contact: 'grace@guest.example' }
    });
    expect(speaker.statusCode, speaker.body).toBe(201);
    const speakerId = speaker.json<{ id: string }>().id;
    const added = await propose(g.slug, { ...proposal, speakerId, eventId: g.first }, 'organizer');
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      status: 'accepted',
      speaker: { id: speakerId, name: 'Grace Guest', company: 'Navy' },
      event: { id: g.first },
      submittedBy: { id: users.organizer.id }
    });
    expect(added.body).not.toContain('grace@guest.example');
    expect((await agendaOfMeeting(g.first)).items.map((i) => i.talk?.id)).toEqual([
      added.json().id
    ]);
    const later = await propose(g.slug, { ...proposal, title: 'Later', speakerId }, 'owner');
    expect(later.json()).toMatchObject({ status: 'proposed', event: null });

    // A member's speaker entry, another group's speaker or an unknown one is refused.
    const own = (await propose(g.slug, proposal)).json<TalkJson>();
    const foreign = await group();
    const foreignSpeaker = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${foreign.slug}/speakers`,
      cookie: users.owner.cookie,
      body: { name: 'Elsewhere' }
    });
    for (const id of [own.speaker.id, foreignSpeaker.json<{ id: string }>().id, 'nope']) {
      const res = await propose(g.slug, { ...proposal, speakerId: id }, 'organizer');
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        { field: 'speakerId', message: 'Choose an invited speaker of this group.' }
      ]);
    }
    const badEvent = await propose(
      g.slug,
      { ...proposal, speakerId, eventId: 'nope' },
      'organizer'
    );
    expect(badEvent.json().errors).toEqual([
      { field: 'eventId', message: 'Choose a published meeting of this group.' }
    ]);
    const titles = (await list(g.slug, 'organizer')).items.map((i) => i.title).sort();
    expect(titles).toEqual(['Later', proposal.title, proposal.title]);
    const audit = (await listAudit(t.testDb.db, g.id)).map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining(['speaker.created', 'talk.added', 'talk.accepted'])
    );
  });

  it('documents the talk endpoints in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    for (const [path, methods] of [
      ['/api/v1/groups/{slug}/talks', ['get', 'post']],
      ['/api/v1/groups/{slug}/talks/{id}', ['get', 'patch']],
      ['/api/v1/groups/{slug}/talks/{id}/accept', ['post']],
      ['/api/v1/groups/{slug}/talks/{id}/decline', ['post']],
      ['/api/v1/groups/{slug}/talks/{id}/later', ['post']],
      ['/api/v1/groups/{slug}/talks/{id}/withdraw', ['post']]
    ] as const) {
      for (const method of methods) {
        expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['talks']);
      }
    }
  });

  it('never shows a cancelled meeting’s agenda as editable', async () => {
    const g = await group();
    const meeting = await findMeeting(t.testDb.db, g.first);
    if (!meeting) throw new Error('no meeting');
    await cancelMeeting(t.testDb.db, t.queue, meeting, 'Flood');
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/events/${g.first}/agenda`,
      ...as('owner')
    });
    expect(res.json().viewer).toEqual({ canEdit: false });
  });
});
