import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { InProcessRealtime } from '../../jobs/realtime.ts';
import { insertUser } from '../../test/factories.ts';
import { describeWithApp, RecordingQueue } from '../../test/test-app.ts';
import { ACTIVITIES_QUEUE } from '../activity/activity.service.ts';
import {
  cancelMeeting,
  createMeeting,
  type Meeting,
  publishMeeting,
  updateMeeting
} from '../event.service.ts';
import { createGroup, type Group } from '../group.service.ts';
import { decideRequest, joinGroup } from '../membership.service.ts';
import { respond } from '../rsvp.service.ts';
import { closeVotingRound } from '../voting/round-close.service.ts';
import { openRound } from '../voting/round.service.ts';

const DAY = 24 * 3600_000;

/** The activities the meeting, membership, RSVP and voting services record in their writes. */
describeWithApp('activities recorded by existing services', (app) => {
  let db: Db;
  let queue: RecordingQueue;
  let counter = 0;

  beforeAll(async () => {
    db = app().testDb.db;
    await insertUser(db, 'boss', { name: 'Boss', handle: 'boss' });
    await insertUser(db, 'ada', { name: 'Ada Lovelace', handle: 'ada' });
  });
  beforeEach(() => {
    queue = new RecordingQueue();
  });

  async function group(joinPolicy: 'open' | 'approval' = 'open'): Promise<Group> {
    counter += 1;
    return createGroup(db, 'boss', {
      slug: `act-${counter}-${randomUUID().slice(0, 6)}`,
      name: `Activity ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: joinPolicy === 'open' ? 'public' : 'private',
      joinPolicy
    });
  }

  async function meeting(g: Group, publish = true): Promise<Meeting> {
    const startsAt = new Date(Date.now() + 7 * DAY);
    return createMeeting(db, queue, g.id, 'boss', {
      title: 'Monthly',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      timeZone: 'Europe/Berlin',
      publish
    });
  }

  const activities = (groupId: string, kind: string) =>
    db.kysely
      .selectFrom('activities')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('kind', '=', kind)
      .orderBy('created_at')
      .execute();
  const payloadOf = (row: { payload: string } | undefined): unknown =>
    JSON.parse(row?.payload ?? 'null');
  const nudged = () => queue.payloads(ACTIVITIES_QUEUE).length > 0;

  it('member.joined: joining an open group, and an approved request', async () => {
    const open = await group('open');
    await joinGroup(db, open, 'ada', []);
    const [joined] = await activities(open.id, 'member.joined');
    expect(joined).toMatchObject({ actor_id: 'ada', subject_type: 'user', subject_id: 'ada' });
    expect(payloadOf(joined)).toEqual({
      group: { id: open.id, slug: open.slug, name: open.name },
      member: { id: 'ada', handle: 'ada', displayName: 'Ada Lovelace' }
    });

    const closed = await group('approval');
    await joinGroup(db, closed, 'ada', ['hi']);
    expect(await activities(closed.id, 'member.joined')).toHaveLength(0); // only a request
    await decideRequest(db, closed, 'boss', 'ada', true);
    const [approved] = await activities(closed.id, 'member.joined');
    expect(approved).toMatchObject({ actor_id: 'boss', subject_id: 'ada' });
  });

  it('meeting.published: created published, or a draft published', async () => {
    const g = await group();
    const m = await meeting(g);
    const [created] = await activities(g.id, 'meeting.published');
    expect(created).toMatchObject({ actor_id: 'boss', subject_type: 'event', subject_id: m.id });
    expect(payloadOf(created)).toMatchObject({
      group: { slug: g.slug },
      meeting: { id: m.id, title: 'Monthly', path: `/groups/${g.slug}/events/${m.id}` }
    });
    expect(nudged()).toBe(true);

    const draft = await meeting(g, false);
    expect(await activities(g.id, 'meeting.published')).toHaveLength(1);
    await publishMeeting(db, queue, draft, new Date(), 'boss');
    const rows = await activities(g.id, 'meeting.published');
    expect(rows.map((r) => r.subject_id)).toEqual([m.id, draft.id]);
  });

  it('meeting.changed: a visible change of a published meeting, naming what changed', async () => {
    const g = await group();
    const m = await meeting(g);
    await updateMeeting(db, queue, m, {
      title: 'Monthly, moved',
      startsAt: new Date(m.startsAt.getTime() + 3600_000),
      endsAt: new Date(m.endsAt.getTime() + 3600_000)
    });
    const [changed] = await activities(g.id, 'meeting.changed');
    expect(payloadOf(changed)).toMatchObject({
      meeting: { id: m.id, title: 'Monthly, moved' },
      changed: ['time', 'title']
    });
    // a draft's edits are nobody's news
    const draft = await meeting(g, false);
    await updateMeeting(db, queue, draft, { title: 'Draft title' });
    expect(await activities(g.id, 'meeting.changed')).toHaveLength(1);
  });

  it('meeting.cancelled: cancelling a published meeting', async () => {
    const g = await group();
    const m = await meeting(g);
    await cancelMeeting(db, queue, m, 'Snow', new Date(), 'boss');
    const [cancelled] = await activities(g.id, 'meeting.cancelled');
    expect(cancelled).toMatchObject({ actor_id: 'boss', subject_id: m.id });
    expect(payloadOf(cancelled)).toMatchObject({ meeting: { id: m.id } });
  });

  it('rsvp.changed: a member’s answer changes, not when it stays the same', async () => {
    const g = await group();
    await joinGroup(db, g, 'ada', []);
    const m = await meeting(g);
    await respond(db, queue, m.id, 'ada', { going: true, guests: 0 });
    await respond(db, queue, m.id, 'ada', { going: true, guests: 0 });
    await respond(db, queue, m.id, 'ada', { going: false, guests: 0 });
    const rows = await activities(g.id, 'rsvp.changed');
    expect(rows.map((r) => (payloadOf(r) as { status: string }).status)).toEqual([
      'going',
      'not_going'
    ]);
    expect(rows[0]).toMatchObject({ actor_id: 'ada', subject_type: 'event', subject_id: m.id });
    expect(payloadOf(rows[0])).toMatchObject({
      member: { id: 'ada', displayName: 'Ada Lovelace' },
      meeting: { id: m.id }
    });
  });

  it('round.opened and round.closed: opening a voting round, and closing it with the picks', async () => {
    const g = await group();
    const m = await meeting(g);
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'boss' });
    const realtime = new InProcessRealtime();
    await closeVotingRound(db, { queue, realtime }, round.id, { actorId: 'boss' });
    await closeVotingRound(db, { queue, realtime }, round.id, { actorId: 'boss' });
    const opened = await activities(g.id, 'round.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ actor_id: 'boss', subject_id: round.id });
    expect(payloadOf(opened[0])).toMatchObject({
      roundId: round.id,
      meeting: { id: m.id },
      closesAt: round.closesAt.toISOString()
    });
    const rows = await activities(g.id, 'round.closed');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subject_type: 'voting_round', subject_id: round.id });
    expect(payloadOf(rows[0])).toMatchObject({
      roundId: round.id,
      meeting: { id: m.id },
      picked: []
    });
    expect(nudged()).toBe(true);
  });
});
