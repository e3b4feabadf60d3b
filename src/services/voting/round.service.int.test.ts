import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { dbBool } from '../../db/values.ts';
import { DEFAULT_TOPIC_MINUTES } from '../../domain/agenda.ts';
import { InProcessRealtime } from '../../jobs/realtime.ts';
import { MAIL_QUEUE, type MailMessage } from '../../jobs/mail-message.ts';
import { renderMail } from '../../jobs/mail-templates.ts';
import { insertUser } from '../../test/factories.ts';
import { describeWithApp, RecordingQueue } from '../../test/test-app.ts';
import { listAudit } from '../audit.service.ts';
import { CHAT_WEBHOOK_QUEUE } from '../chat/chat-webhook.service.ts';
import { cancelMeeting, createMeeting, type Meeting } from '../event.service.ts';
import { createGroup, type Group } from '../group.service.ts';
import { MEETING_MAIL_QUEUE } from '../meeting-mail-jobs.ts';
import { runMeetingMailJob } from '../meeting-mail.service.ts';
import { joinGroup } from '../membership.service.ts';
import { autoOpenRounds, closeDueRounds, sweepVotingRounds } from './round-jobs.ts';
import { currentRound, findRound, openRound } from './round.service.ts';
import { closeVotingRound, overrideRound } from './round-close.service.ts';
import { roundStandings, roundTally, setVote, stepVote, VoteError } from './vote.service.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describeWithApp('voting rounds (service)', (app) => {
  let db: Db;
  let queue: RecordingQueue;
  let realtime: InProcessRealtime;
  let counter = 0;
  const members = ['ada', 'bob', 'cy'] as const;

  beforeAll(async () => {
    db = app().testDb.db;
    await insertUser(db, 'organizer');
    await insertUser(db, 'stranger');
    for (const m of members) await insertUser(db, m, { language: m === 'bob' ? 'de' : 'en' });
  });

  beforeEach(() => {
    queue = new RecordingQueue();
    realtime = new InProcessRealtime();
  });

  const deps = () => ({ queue, realtime });
  const agendaJobs = () =>
    queue.payloads(MEETING_MAIL_QUEUE).filter((j) => (j as { kind: string }).kind === 'agenda');

  async function group(settings: Partial<Record<string, number | string>> = {}): Promise<Group> {
    counter += 1;
    const g = await createGroup(db, 'organizer', {
      slug: `voting-${counter}`,
      name: `Voting ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    for (const m of members) await joinGroup(db, g, m, []);
    if (Object.keys(settings).length > 0) {
      await db.kysely.updateTable('groups').set(settings).where('id', '=', g.id).execute();
    }
    return g;
  }

  async function meeting(g: Group, startsIn = 7 * DAY, publish = true): Promise<Meeting> {
    const startsAt = new Date(Date.now() + startsIn);
    return createMeeting(db, queue, g.id, 'organizer', {
      title: `Meeting ${counter}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * HOUR),
      timeZone: 'Europe/Berlin',
      publish
    });
  }

  /** Inserts a topic proposed `minutesAgo` minutes ago. */
  async function topic(g: Group, title: string, minutesAgo: number, status = 'open') {
    const id = randomUUID();
    const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await db.kysely
      .insertInto('topics')
      .values({
        id,
        group_id: g.id,
        title,
        wants: 'explain',
        status,
        proposed_by: 'ada',
        created_at: at,
        updated_at: at
      })
      .execute();
    return id;
  }

  async function agendaItem(eventId: string, position: number, kind: string, title: string) {
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('agenda_items')
      .values({
        id: randomUUID(),
        event_id: eventId,
        position,
        kind,
        title,
        duration_minutes: 20,
        created_at: at,
        updated_at: at
      })
      .execute();
  }

  const agenda = (eventId: string) =>
    db.kysely
      .selectFrom('agenda_items')
      .select(['position', 'kind', 'title', 'topic_id', 'round_id', 'duration_minutes'])
      .where('event_id', '=', eventId)
      .orderBy('position')
      .execute();

  const topicRow = (id: string) =>
    db.kysely
      .selectFrom('topics')
      .select(['status', 'event_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  async function refusal(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof VoteError) return error.problem;
      throw error;
    }
    return 'accepted';
  }

  it('opens a round with the group’s rules, closing 24 hours before the meeting by default', async () => {
    const g = await group({ votes_per_member: 5, votes_per_topic: 2, agenda_topics: 3 });
    await db.kysely
      .updateTable('groups')
      .set({ tally_visibility: 'hidden' })
      .where('id', '=', g.id)
      .execute();
    const m = await meeting(g);
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    expect(round).toMatchObject({
      status: 'open',
      eventId: m.id,
      rules: { votesPerMember: 5, votesPerTopic: 2, agendaTopics: 3 },
      tallyVisibility: 'hidden',
      openedBy: 'organizer',
      picked: []
    });
    expect(round.closesAt.getTime()).toBe(m.startsAt.getTime() - DAY);
    // Changing the group's settings later does not change the running round.
    await db.kysely
      .updateTable('groups')
      .set({ votes_per_member: 1 })
      .where('id', '=', g.id)
      .execute();
    expect((await findRound(db, round.id))?.rules.votesPerMember).toBe(5);
    expect((await currentRound(db, g.id))?.id).toBe(round.id);
    expect((await listAudit(db, g.id)).map((a) => a.action)).toContain('round.opened');
  });

  it('closes at the meeting start when the default time has passed', async () => {
    const g = await group();
    const m = await meeting(g, 3 * HOUR);
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    expect(round.closesAt.getTime()).toBe(m.startsAt.getTime());
  });

  it('refuses drafts, past and foreign meetings, bad closing times, a second round', async () => {
    const g = await group();
    const other = await group();
    const draft = await meeting(g, 7 * DAY, false);
    const past = await meeting(g, -3 * HOUR);
    const foreign = await meeting(other);
    const m = await meeting(g);
    const open = (eventId: string, closesAt?: Date) =>
      refusal(openRound(db, { groupId: g.id, eventId, closesAt, openedBy: 'organizer' }));
    expect(await open(draft.id)).toBe('eventInvalid');
    expect(await open(past.id)).toBe('eventInvalid');
    expect(await open(foreign.id)).toBe('eventInvalid');
    expect(await open('nope')).toBe('eventInvalid');
    expect(await open(m.id, new Date(Date.now() - 1000))).toBe('closesAtPast');
    expect(await open(m.id, new Date(m.startsAt.getTime() + 1000))).toBe('closesAtAfterStart');
    expect(await open(m.id, m.startsAt)).toBe('accepted');
    expect(await open(m.id)).toBe('roundExists');
    const next = await meeting(g, 14 * DAY);
    expect(await open(next.id)).toBe('roundOpen');
    const rounds = await db.kysely
      .selectFrom('voting_rounds')
      .select('id')
      .where('group_id', '=', g.id)
      .execute();
    expect(rounds).toHaveLength(1);
  });

  it('keeps each member within the budget and the per-topic cap, and lets them move votes', async () => {
    const g = await group({ votes_per_member: 3, votes_per_topic: 2 });
    const [a, b, c] = [await topic(g, 'A', 30), await topic(g, 'B', 20), await topic(g, 'C', 10)];
    const m = await meeting(g);
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    const vote = (topicId: string, count: number, userId = 'ada') =>
      setVote(db, realtime, { roundId: round.id, topicId, userId, count });
    expect((await vote(a, 2)).my).toEqual({ votes: { [a]: 2 }, left: 1 });
    expect(await refusal(vote(b, 3))).toBe('overTopicCap');
    expect(await refusal(vote(b, 2))).toBe('overBudget');
    expect((await vote(b, 1)).my.left).toBe(0);
    expect(await refusal(vote(c, 1))).toBe('overBudget');
    // Moving: take one from A, then C has room.
    await vote(a, 1);
    expect((await vote(c, 1)).my).toEqual({ votes: { [a]: 1, [b]: 1, [c]: 1 }, left: 0 });
    // Stepping: +1 over budget is refused, −1 gives a dot back, −1 at zero changes nothing.
    const step = (topicId: string, delta: 1 | -1) =>
      stepVote(db, realtime, { roundId: round.id, topicId, userId: 'ada', delta });
    expect(await refusal(step(a, 1))).toBe('overBudget');
    expect((await step(c, -1)).my.left).toBe(1);
    expect((await step(c, -1)).changed).toBe(false);
    expect((await step(a, 1)).count).toBe(2);
    // Only active members vote, only open topics of the group count.
    expect(await refusal(vote(a, 1, 'stranger'))).toBe('notMember');
    const archived = await topic(g, 'Archived', 5, 'archived');
    expect(await refusal(vote(archived, 1, 'bob'))).toBe('topicNotFound');
    const foreign = await topic(await group(), 'Elsewhere', 5);
    expect(await refusal(vote(foreign, 1, 'bob'))).toBe('topicNotFound');
    expect(await refusal(vote(a, 1.5, 'bob'))).toBe('negative');
    const stored = await db.kysely
      .selectFrom('votes')
      .select(['topic_id', 'count'])
      .where('round_id', '=', round.id)
      .where('user_id', '=', 'ada')
      .execute();
    expect(stored.reduce((s, v) => s + v.count, 0)).toBe(3);
  });

  it('tells watchers of every committed vote, and not of refused ones', async () => {
    const g = await group();
    const a = await topic(g, 'A', 10);
    const m = await meeting(g);
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    const heard: string[] = [];
    realtime.subscribe(`round:${round.id}`, (d) => heard.push(d));
    await setVote(db, realtime, { roundId: round.id, topicId: a, userId: 'ada', count: 1 });
    await refusal(
      setVote(db, realtime, { roundId: round.id, topicId: a, userId: 'ada', count: 2 })
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([round.id]);
  });

  it('closes: top K by votes (ties to the earlier proposal) onto the agenda before the networking block', async () => {
    const g = await group({ votes_per_member: 3, votes_per_topic: 1, agenda_topics: 2 });
    const older = await topic(g, 'Older tie', 50);
    const newer = await topic(g, 'Newer tie', 40);
    const top = await topic(g, 'Top', 30);
    const none = await topic(g, 'Nobody', 60);
    const m = await meeting(g);
    await agendaItem(m.id, 0, 'talk', 'Opening talk');
    await agendaItem(m.id, 1, 'networking', 'Pizza');
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    const vote = (topicId: string, userId: string) =>
      setVote(db, realtime, { roundId: round.id, topicId, userId, count: 1 });
    await vote(top, 'ada');
    await vote(top, 'bob');
    await vote(top, 'cy');
    await vote(newer, 'ada');
    await vote(older, 'bob');
    await new Promise((resolve) => setImmediate(resolve)); // the votes' own messages
    const heard: string[] = [];
    realtime.subscribe(`round:${round.id}`, (d) => heard.push(d));

    const { round: closed, closedNow } = await closeVotingRound(db, deps(), round.id, {
      actorId: 'organizer'
    });
    expect(closedNow).toBe(true);
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    expect(closed.picked).toEqual([top, older]);
    expect(await agenda(m.id)).toEqual([
      expect.objectContaining({ position: 0, kind: 'talk', title: 'Opening talk' }),
      {
        position: 1,
        kind: 'topic',
        title: 'Top',
        topic_id: top,
        round_id: round.id,
        duration_minutes: DEFAULT_TOPIC_MINUTES
      },
      expect.objectContaining({ position: 2, kind: 'topic', topic_id: older }),
      expect.objectContaining({ position: 3, kind: 'networking', title: 'Pizza' })
    ]);
    expect(await topicRow(top)).toEqual({ status: 'scheduled', event_id: m.id });
    expect(await topicRow(older)).toEqual({ status: 'scheduled', event_id: m.id });
    // Carried over: the rest stays open in the backlog.
    expect(await topicRow(newer)).toEqual({ status: 'open', event_id: null });
    expect(await topicRow(none)).toEqual({ status: 'open', event_id: null });
    // The ranking stays readable after the close.
    const standings = await roundStandings(db, closed);
    expect(standings.map((s) => [s.title, s.votes, s.rank, s.picked])).toEqual([
      ['Top', 3, 1, true],
      ['Older tie', 1, 2, true],
      ['Newer tie', 1, 3, false]
    ]);
    expect(agendaJobs()).toEqual([{ kind: 'agenda', eventId: m.id }]);
    expect(queue.payloads(CHAT_WEBHOOK_QUEUE)).toEqual([{ roundId: round.id }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual([round.id]);

    // Nothing changes after the close; closing again is harmless.
    expect(
      await refusal(
        setVote(db, realtime, { roundId: round.id, topicId: none, userId: 'cy', count: 1 })
      )
    ).toBe('roundClosed');
    const again = await closeVotingRound(db, deps(), round.id, { actorId: 'organizer' });
    expect(again.closedNow).toBe(false);
    expect(await agenda(m.id)).toHaveLength(4);
    expect(agendaJobs()).toHaveLength(1);
    expect((await roundTally(db, round.id))?.closed).toBe(true);
  });

  it('refuses votes once the closing time has passed, before the sweep ran', async () => {
    const g = await group();
    const a = await topic(g, 'A', 10);
    const m = await meeting(g);
    const round = await openRound(db, {
      groupId: g.id,
      eventId: m.id,
      closesAt: new Date(Date.now() + HOUR),
      openedBy: 'organizer'
    });
    const later = new Date(Date.now() + 2 * HOUR);
    expect(
      await refusal(
        setVote(db, realtime, { roundId: round.id, topicId: a, userId: 'ada', count: 1 }, later)
      )
    ).toBe('roundClosed');
  });

  it('the sweep closes due rounds only, and picks nothing for a cancelled meeting', async () => {
    const g1 = await group();
    const g2 = await group();
    const g3 = await group();
    const t1 = await topic(g1, 'Due', 10);
    const t3 = await topic(g3, 'Cancelled', 10);
    const m1 = await meeting(g1);
    const m2 = await meeting(g2);
    const m3 = await meeting(g3);
    const soon = new Date(Date.now() + HOUR);
    const r1 = await openRound(db, {
      groupId: g1.id,
      eventId: m1.id,
      closesAt: soon,
      openedBy: null
    });
    const r2 = await openRound(db, { groupId: g2.id, eventId: m2.id, openedBy: null });
    const r3 = await openRound(db, {
      groupId: g3.id,
      eventId: m3.id,
      closesAt: soon,
      openedBy: null
    });
    await setVote(db, realtime, { roundId: r1.id, topicId: t1, userId: 'ada', count: 1 });
    await setVote(db, realtime, { roundId: r3.id, topicId: t3, userId: 'ada', count: 1 });
    await cancelMeeting(db, queue, m3, 'Venue closed');
    const later = new Date(Date.now() + 2 * HOUR);
    expect(await closeDueRounds(db, deps(), later)).toBeGreaterThanOrEqual(2);
    expect((await findRound(db, r1.id))?.picked).toEqual([t1]);
    expect((await findRound(db, r2.id))?.status).toBe('open');
    expect(await findRound(db, r3.id)).toMatchObject({ status: 'closed', picked: [] });
    expect(await topicRow(t3)).toEqual({ status: 'open', event_id: null });
    expect(await agenda(m3.id)).toEqual([]);
    expect(await closeDueRounds(db, deps(), later)).toBe(0);
  });

  it('overrides a closed round: replaces its agenda items and reschedules the topics', async () => {
    const g = await group({ agenda_topics: 2 });
    const a = await topic(g, 'A', 30);
    const b = await topic(g, 'B', 20);
    const c = await topic(g, 'C', 10);
    const m = await meeting(g);
    await agendaItem(m.id, 0, 'talk', 'Talk');
    await agendaItem(m.id, 1, 'break', 'Break');
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    const override = (topicIds: string[]) =>
      overrideRound(db, deps(), {
        roundId: round.id,
        topicIds,
        reason: 'The speaker for A is ill',
        actorId: 'organizer'
      });
    expect(await refusal(override([c]))).toBe('roundNotClosed');
    await setVote(db, realtime, { roundId: round.id, topicId: a, userId: 'ada', count: 1 });
    await setVote(db, realtime, { roundId: round.id, topicId: b, userId: 'bob', count: 1 });
    await closeVotingRound(db, deps(), round.id, { actorId: 'organizer' });
    expect((await findRound(db, round.id))?.picked).toEqual([a, b]);

    const foreign = await topic(await group(), 'Foreign', 5);
    const withdrawn = await topic(g, 'Withdrawn', 5, 'withdrawn');
    expect(await refusal(override([c, foreign]))).toBe('topicsInvalid');
    expect(await refusal(override([withdrawn]))).toBe('topicsInvalid');

    const after = await override([c, b]);
    expect(after.picked).toEqual([c, b]);
    expect(after.override).toMatchObject({ reason: 'The speaker for A is ill', byId: 'organizer' });
    expect((await agenda(m.id)).map((i) => [i.position, i.kind, i.title, i.round_id])).toEqual([
      [0, 'talk', 'Talk', null],
      [1, 'topic', 'C', round.id],
      [2, 'topic', 'B', round.id],
      [3, 'break', 'Break', null]
    ]);
    expect(await topicRow(a)).toEqual({ status: 'open', event_id: null });
    expect(await topicRow(b)).toEqual({ status: 'scheduled', event_id: m.id });
    expect(await topicRow(c)).toEqual({ status: 'scheduled', event_id: m.id });
    const audit = (await listAudit(db, g.id)).find((e) => e.action === 'round.overridden');
    expect(audit?.details).toMatchObject({ before: [a, b], after: [c, b] });
    const standings = await roundStandings(db, after);
    expect(
      standings
        .filter((s) => s.picked)
        .map((s) => s.id)
        .sort()
    ).toEqual([b, c].sort());
  });

  it('auto-opens a round for the next meeting of a voting series once one has ended, once', async () => {
    const g = await group();
    const seriesId = randomUUID();
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('series')
      .values({
        id: seriesId,
        group_id: g.id,
        title: 'Guild',
        rrule: 'FREQ=WEEKLY;BYDAY=TU',
        time_zone: 'Europe/Berlin',
        duration_minutes: 120,
        venue_id: null,
        online_url: null,
        capacity: null,
        rsvp_opens_days: null,
        rsvp_closes_hours: null,
        materialized_until: at,
        ended: dbBool(db, false),
        voting_rounds: dbBool(db, true),
        voting_closes_hours: 48,
        created_by: 'organizer',
        created_at: at,
        updated_at: at
      })
      .execute();
    const inSeries = async (startsIn: number) => {
      const startsAt = new Date(Date.now() + startsIn);
      return createMeeting(
        db,
        queue,
        g.id,
        'organizer',
        {
          title: 'Guild',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 2 * HOUR),
          timeZone: 'Europe/Berlin',
          publish: true
        },
        { seriesId }
      );
    };
    const upcoming = await inSeries(7 * DAY);
    await inSeries(14 * DAY);
    // No meeting of the series has ended yet: nothing opens.
    expect(await autoOpenRounds(db)).toEqual([]);
    const last = await inSeries(-7 * DAY);
    expect(last.endsAt.getTime()).toBeLessThan(Date.now());
    const opened = await autoOpenRounds(db);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ eventId: upcoming.id, openedBy: null, status: 'open' });
    expect(opened[0]?.closesAt.getTime()).toBe(upcoming.startsAt.getTime() - 48 * HOUR);
    expect(await autoOpenRounds(db)).toEqual([]);
    // The sweep job does both: nothing is due, nothing new to open.
    expect(await sweepVotingRounds(db, deps())).toEqual({ closed: 0, opened: 0 });
  });

  it('does not auto-open when the closing time has passed already', async () => {
    const g = await group();
    const seriesId = randomUUID();
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('series')
      .values({
        id: seriesId,
        group_id: g.id,
        title: 'Soon',
        rrule: 'FREQ=WEEKLY;BYDAY=TU',
        time_zone: 'Europe/Berlin',
        duration_minutes: 120,
        venue_id: null,
        online_url: null,
        capacity: null,
        rsvp_opens_days: null,
        rsvp_closes_hours: null,
        materialized_until: at,
        ended: dbBool(db, false),
        voting_rounds: dbBool(db, true),
        voting_closes_hours: 24,
        created_by: 'organizer',
        created_at: at,
        updated_at: at
      })
      .execute();
    for (const startsIn of [-7 * DAY, 10 * HOUR]) {
      const startsAt = new Date(Date.now() + startsIn);
      await createMeeting(
        db,
        queue,
        g.id,
        'organizer',
        {
          title: 'Soon',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 2 * HOUR),
          timeZone: 'Europe/Berlin',
          publish: true
        },
        { seriesId }
      );
    }
    expect((await autoOpenRounds(db)).filter((r) => r.groupId === g.id)).toEqual([]);
  });

  it('mails the agenda to members who want every meeting, in their language', async () => {
    const g = await group({ agenda_topics: 1 });
    const a = await topic(g, 'Monorepos', 10);
    const m = await meeting(g);
    await agendaItem(m.id, 0, 'talk', 'Keynote');
    const round = await openRound(db, { groupId: g.id, eventId: m.id, openedBy: 'organizer' });
    await setVote(db, realtime, { roundId: round.id, topicId: a, userId: 'ada', count: 1 });
    await closeVotingRound(db, deps(), round.id, { actorId: 'organizer' });
    // cy wants no meeting mails; bob (German) and ada want all; the organizer opted out.
    await db.kysely
      .updateTable('memberships')
      .set({ meeting_mail: 'none' })
      .where('group_id', '=', g.id)
      .where('user_id', '=', 'cy')
      .execute();
    await db.kysely
      .insertInto('mail_opt_outs')
      .values({
        user_id: 'organizer',
        kind: 'announce',
        scope: g.id,
        created_at: new Date().toISOString()
      })
      .execute();
    const mailQueue = new RecordingQueue();
    const sent = await runMeetingMailJob(
      mailQueue,
      { db, baseUrl: 'https://guild.example.com', secret: 'x'.repeat(40) },
      { kind: 'agenda', eventId: m.id }
    );
    const mails = mailQueue.payloads(MAIL_QUEUE) as MailMessage[];
    expect(sent).toBe(2);
    expect(mails.map((mail) => [mail.to, mail.template, mail.locale]).sort()).toEqual([
      ['ada@example.org', 'meeting-agenda', 'en'],
      ['bob@example.org', 'meeting-agenda', 'de']
    ]);
    const en = mails.find((mail) => mail.locale === 'en');
    expect(en?.params.agenda).toBe('1. Keynote (20 min)\n2. Monorepos (30 min)');
    expect(en?.params.onlineUrl).toBeUndefined();
    const rendered = await renderMail(mails.find((mail) => mail.locale === 'de') as MailMessage);
    expect(rendered.subject).toContain('Agenda');
    expect(rendered.text).toContain('2. Monorepos (30 Min.)');
  });
});
