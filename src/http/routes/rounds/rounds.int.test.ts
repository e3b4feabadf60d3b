import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createMeeting, type Meeting } from '../../../services/event.service.ts';
import { createGroup, type Group } from '../../../services/group.service.ts';
import { joinGroup } from '../../../services/membership.service.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface RoundBody {
  id: string;
  status: string;
  closesAt: string;
  rules: { votesPerMember: number; votesPerTopic: number; agendaTopics: number; tally: string };
  tieRule: string;
  tally: { topicId: string; title: string; votes: number; rank: number; picked: boolean }[] | null;
  picked: string[];
  override: { reason: string; by: { id: string; displayName: string } | null } | null;
  voters: number;
  my: { votes: Record<string, number>; left: number } | null;
  viewer: { canVote: boolean; canManage: boolean };
  event: { id: string; title: string };
}

describeWithApp('voting rounds API', (app) => {
  let t: TestApp;
  let organizer: { id: string; email: string; token: string };
  let ada: { id: string; email: string; token: string };
  let bob: { id: string; email: string; token: string };
  let outsider: { id: string; email: string; token: string };
  let counter = 0;

  beforeAll(async () => {
    t = app();
    const user = async (name: string) => {
      const u = await t.buildUser({ name });
      return { ...u, token: await t.buildToken(u.id, 'write') };
    };
    organizer = await user('Olga Organizer');
    ada = await user('Ada');
    bob = await user('Bob');
    outsider = await user('Otto');
  });

  async function setup(settings: Record<string, number | string> = {}) {
    counter += 1;
    const db = t.testDb.db;
    const group: Group = await createGroup(db, organizer.id, {
      slug: `rounds-api-${counter}`,
      name: `Rounds ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await joinGroup(db, group, ada.id, []);
    await joinGroup(db, group, bob.id, []);
    if (Object.keys(settings).length > 0) {
      await db.kysely.updateTable('groups').set(settings).where('id', '=', group.id).execute();
    }
    const startsAt = new Date(Date.now() + 7 * DAY);
    const meeting: Meeting = await createMeeting(db, t.queue, group.id, organizer.id, {
      title: `Guild meeting ${counter}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * HOUR),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const topics: string[] = [];
    for (const [i, title] of ['Testing in prod', 'Monorepos', 'Rust', 'Kubernetes'].entries()) {
      const id = randomUUID();
      const at = new Date(Date.now() - (10 - i) * 60_000).toISOString();
      await db.kysely
        .insertInto('topics')
        .values({
          id,
          group_id: group.id,
          title,
          wants: 'explain',
          status: 'open',
          proposed_by: ada.id,
          created_at: at,
          updated_at: at
        })
        .execute();
      topics.push(id);
    }
    return { group, meeting, topics };
  }

  async function open(slug: string, eventId: string, closesAt?: string) {
    return t.request({
      method: 'POST',
      url: `/api/v1/groups/${slug}/rounds`,
      token: organizer.token,
      body: closesAt ? { eventId, closesAt } : { eventId }
    });
  }

  const vote = (token: string, roundId: string, topicId: string, count: number) =>
    t.request({
      method: 'PUT',
      url: `/api/v1/rounds/${roundId}/votes/${topicId}`,
      token,
      body: { count }
    });

  function fieldErrors(res: { json: () => unknown }) {
    return (res.json() as { errors: { field: string; message: string }[] }).errors;
  }

  it('opens a round with the group’s rules and shows it as the current one', async () => {
    const { group, meeting } = await setup({ votes_per_member: 4, agenda_topics: 3 });
    const res = await open(group.slug, meeting.id);
    expect(res.statusCode).toBe(201);
    const round = res.json<RoundBody>();
    expect(round).toMatchObject({
      status: 'open',
      event: { id: meeting.id, title: meeting.title },
      rules: { votesPerMember: 4, votesPerTopic: 1, agendaTopics: 3, tally: 'live' },
      tieRule: 'votesThenEarlierProposal',
      picked: [],
      override: null,
      voters: 0,
      viewer: { canVote: true, canManage: true },
      my: { votes: {}, left: 4 }
    });
    expect(Date.parse(round.closesAt)).toBe(meeting.startsAt.getTime() - DAY);
    const current = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${group.slug}/rounds/current`
    });
    expect(current.json<RoundBody>()).toMatchObject({
      id: round.id,
      my: null,
      viewer: { canVote: false, canManage: false }
    });
  });

  it('answers 400 per field and 409 for a second round', async () => {
    const { group, meeting } = await setup();
    const missing = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${group.slug}/rounds`,
      token: organizer.token,
      body: {}
    });
    expect(missing.statusCode).toBe(400);
    expect(fieldErrors(missing).map((e) => e.field)).toEqual(['eventId']);
    const unknown = await open(group.slug, 'no-such-meeting');
    expect(fieldErrors(unknown)).toEqual([
      {
        field: 'eventId',
        message: 'Choose a published meeting of this group that has not started yet.'
      }
    ]);
    const past = await open(group.slug, meeting.id, new Date(Date.now() - HOUR).toISOString());
    expect(fieldErrors(past)).toEqual([
      { field: 'closesAt', message: 'The vote must close in the future.' }
    ]);
    const late = await open(
      group.slug,
      meeting.id,
      new Date(meeting.startsAt.getTime() + HOUR).toISOString()
    );
    expect(fieldErrors(late)[0]?.field).toBe('closesAt');
    expect((await open(group.slug, meeting.id, 'tomorrow')).statusCode).toBe(400);
    // A local time is read in the meeting's zone (Europe/Berlin, UTC+1 in winter or +2 in summer).
    const local = new Date(meeting.startsAt.getTime() - 2 * DAY);
    const wall = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Berlin',
      dateStyle: 'short',
      timeStyle: 'short'
    })
      .format(local)
      .replace(' ', 'T');
    const ok = await open(group.slug, meeting.id, wall);
    expect(ok.statusCode).toBe(201);
    expect(Date.parse(ok.json<RoundBody>().closesAt)).toBe(
      Math.floor(local.getTime() / 60_000) * 60_000
    );
    const again = await open(group.slug, meeting.id);
    expect(again.statusCode).toBe(409);
    expect(again.json<{ detail: string }>().detail).toBe(
      'This meeting already has a voting round.'
    );
    const startsAt = new Date(Date.now() + 14 * DAY);
    const next = await createMeeting(t.testDb.db, t.queue, group.id, organizer.id, {
      title: 'Next',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const second = await open(group.slug, next.id);
    expect(second.statusCode).toBe(409);
    expect(second.json<{ detail: string }>().detail).toMatch(/still open/);
  });

  it('takes votes within the budget and answers with the tally and my dots', async () => {
    const { group, meeting, topics } = await setup({ votes_per_member: 2, votes_per_topic: 2 });
    const round = (await open(group.slug, meeting.id)).json<RoundBody>();
    const [a = '', b = '', c = ''] = topics;
    const first = await vote(ada.token, round.id, a, 2);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      roundId: round.id,
      status: 'open',
      closed: false,
      voters: 1,
      my: { votes: { [a]: 2 }, left: 0 }
    });
    const over = await vote(ada.token, round.id, b, 1);
    expect(over.statusCode).toBe(400);
    expect(fieldErrors(over)).toEqual([
      {
        field: 'count',
        message: 'You have no votes left for this. Take a vote back from another topic first.'
      }
    ]);
    const cap = await vote(bob.token, round.id, b, 3);
    expect(cap.statusCode).toBe(400);
    expect(fieldErrors(cap)[0]?.field).toBe('count');
    // Moving a vote with the plain-form steps.
    const remove = await t.request({
      method: 'POST',
      url: `/api/v1/rounds/${round.id}/votes/${a}/remove`,
      token: ada.token
    });
    expect(remove.json()).toMatchObject({ my: { votes: { [a]: 1 }, left: 1 } });
    const add = await t.request({
      method: 'POST',
      url: `/api/v1/rounds/${round.id}/votes/${c}/add`,
      token: ada.token
    });
    expect(add.json()).toMatchObject({ my: { votes: { [a]: 1, [c]: 1 }, left: 0 } });
    await vote(bob.token, round.id, c, 2);
    const shown = await t.request({
      method: 'GET',
      url: `/api/v1/rounds/${round.id}`,
      token: bob.token
    });
    const body = shown.json<RoundBody>();
    expect(body.tally?.slice(0, 2).map((e) => [e.title, e.votes, e.rank, e.picked])).toEqual([
      ['Rust', 3, 1, true],
      ['Testing in prod', 1, 2, true]
    ]);
    expect(body.tally).toHaveLength(4);
    expect(body.voters).toBe(2);
    expect(body.my).toEqual({ votes: { [c]: 2 }, left: 0 });
    // A topic of another group or not open: 404.
    expect((await vote(ada.token, round.id, 'nope', 1)).statusCode).toBe(404);
    // Non-members may not vote.
    expect((await vote(outsider.token, round.id, a, 1)).statusCode).toBe(403);
    expect((await vote(ada.token, round.id, a, -1)).statusCode).toBe(400);
  });

  it('hides the tally of a hidden round until it closes, then closes, picks and refuses votes', async () => {
    const { group, meeting, topics } = await setup({
      tally_visibility: 'hidden',
      agenda_topics: 1
    });
    const round = (await open(group.slug, meeting.id)).json<RoundBody>();
    const [a = '', b = ''] = topics;
    await vote(ada.token, round.id, b, 1);
    const answer = await vote(bob.token, round.id, b, 1);
    expect(answer.json()).toMatchObject({ tally: null, voters: 2, my: { votes: { [b]: 1 } } });
    const hidden = await t.request({
      method: 'GET',
      url: `/api/v1/rounds/${round.id}`,
      token: organizer.token
    });
    expect(hidden.json<RoundBody>()).toMatchObject({ tally: null, voters: 2 });
    const close = await t.request({
      method: 'POST',
      url: `/api/v1/rounds/${round.id}/close`,
      token: organizer.token
    });
    expect(close.statusCode).toBe(200);
    const closed = close.json<RoundBody>();
    expect(closed).toMatchObject({ status: 'closed', picked: [b], viewer: { canVote: false } });
    expect(closed.tally).toEqual([
      { topicId: b, title: 'Monorepos', votes: 2, rank: 1, picked: true }
    ]);
    const late = await vote(ada.token, round.id, a, 1);
    expect(late.statusCode).toBe(409);
    expect(late.json<{ detail: string }>().detail).toMatch(/closed/);
    const twice = await t.request({
      method: 'POST',
      url: `/api/v1/rounds/${round.id}/close`,
      token: organizer.token
    });
    expect(twice.json<RoundBody>().picked).toEqual([b]);
    const items = await t.testDb.db.kysely
      .selectFrom('agenda_items')
      .select(['topic_id', 'position'])
      .where('event_id', '=', meeting.id)
      .execute();
    expect(items).toEqual([{ topic_id: b, position: 0 }]);
    const current = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${group.slug}/rounds/current`
    });
    expect(current.statusCode).toBe(404);
  });

  it('overrides a closed round with a reason', async () => {
    const { group, meeting, topics } = await setup({ agenda_topics: 1 });
    const round = (await open(group.slug, meeting.id)).json<RoundBody>();
    const [a = '', b = '', c = ''] = topics;
    const override = (body: unknown) =>
      t.request({
        method: 'POST',
        url: `/api/v1/rounds/${round.id}/override`,
        token: organizer.token,
        body
      });
    const early = await override({ topicIds: [c], reason: 'Speaker ill' });
    expect(early.statusCode).toBe(409);
    await vote(ada.token, round.id, a, 1);
    await t.request({
      method: 'POST',
      url: `/api/v1/rounds/${round.id}/close`,
      token: organizer.token
    });
    const invalid = await override({ topicIds: [], reason: '' });
    expect(invalid.statusCode).toBe(400);
    expect(
      fieldErrors(invalid)
        .map((e) => e.field)
        .sort()
    ).toEqual(['reason', 'topicIds']);
    const foreign = await override({ topicIds: ['nope'], reason: 'Because' });
    expect(fieldErrors(foreign)[0]?.field).toBe('topicIds');
    const res = await override({ topicIds: [b, c], reason: 'The speaker for A is ill' });
    expect(res.statusCode).toBe(200);
    expect(res.json<RoundBody>()).toMatchObject({
      picked: [b, c],
      override: {
        reason: 'The speaker for A is ill',
        by: { id: organizer.id, displayName: 'Olga Organizer' }
      }
    });
    const audit = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${group.slug}/audit`,
      token: organizer.token
    });
    expect(audit.body).toContain('round.overridden');
  });

  it('lists a group’s rounds newest first, page by page', async () => {
    const { group, meeting } = await setup();
    const first = (await open(group.slug, meeting.id)).json<RoundBody>();
    await t.request({
      method: 'POST',
      url: `/api/v1/rounds/${first.id}/close`,
      token: organizer.token
    });
    const startsAt = new Date(Date.now() + 21 * DAY);
    const next = await createMeeting(t.testDb.db, t.queue, group.id, organizer.id, {
      title: 'Later',
      startsAt,
      endsAt: new Date(startsAt.getTime() + HOUR),
      timeZone: 'Europe/Berlin',
      publish: true
    });
    const second = (await open(group.slug, next.id)).json<RoundBody>();
    const page1 = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${group.slug}/rounds?limit=1`
    });
    const body1 = page1.json<{ items: RoundBody[]; nextCursor: string | null }>();
    expect(body1.items.map((r) => r.id)).toEqual([second.id]);
    expect(body1.nextCursor).not.toBeNull();
    const page2 = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${group.slug}/rounds?limit=1&cursor=${body1.nextCursor ?? ''}`
    });
    const body2 = page2.json<{ items: RoundBody[]; nextCursor: string | null }>();
    expect(body2).toMatchObject({ items: [{ id: first.id, status: 'closed' }], nextCursor: null });
    const bad = await t.request({
      method: 'GET',
      url: `/api/v1/groups/${group.slug}/rounds?cursor=garbage`
    });
    expect(bad.statusCode).toBe(400);
  });
});
