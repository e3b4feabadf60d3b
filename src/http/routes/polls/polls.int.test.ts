import { beforeAll, expect, it } from 'vitest';
import { closeDuePolls } from '../../../services/poll/poll-jobs.ts';
import { buildRoomFixture, type RoomFixture } from '../../../test/room-fixture.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import {
  conflictOf,
  errorsOf,
  message,
  pollBody,
  pollClient,
  type WirePoll
} from './poll-test-support.ts';

// The poll API end to end: creating (and refusing bad input field by field), listing, launching
// and closing, ballots (single and multiple choice, one per member, none once closed), results
// hidden until the close, editing and deleting drafts, and the CSV export.
describeWithApp('polls', (app) => {
  let t: TestApp;
  let room: RoomFixture;
  let other: RoomFixture;
  let api: ReturnType<typeof pollClient>;

  beforeAll(async () => {
    t = app();
    api = pollClient(t);
    room = await buildRoomFixture(t, { going: 3 });
    other = await buildRoomFixture(t);
  });

  const member = (i = 0) => room.going[i]?.token ?? '';
  const pollCount = async () =>
    Number(
      (
        await t.testDb.db.kysely
          .selectFrom('polls')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    );

  async function makePoll(over: Record<string, unknown> = {}): Promise<WirePoll> {
    const res = await api.create(room.group.slug, room.host.token, pollBody(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json<WirePoll>();
  }

  it('creates a draft with its options in order, and launches one at once with open', async () => {
    const draft = await makePoll();
    expect(draft).toMatchObject({
      groupId: room.group.id,
      eventId: null,
      question: 'Which day suits you?',
      choice: 'single',
      anonymous: false,
      results: 'live',
      status: 'draft',
      openedAt: null,
      closedAt: null,
      ballotCount: 0,
      createdBy: { id: room.host.id },
      my: { answered: false, optionIds: [] },
      viewer: { canManage: true, canAnswer: false }
    });
    expect(draft.options.map((o) => o.label)).toEqual(['Tuesday', 'Wednesday', 'Thursday']);
    const open = await makePoll({ open: true, question: '  Trimmed?  ' });
    expect(open).toMatchObject({ status: 'open', question: 'Trimmed?' });
    expect(open.openedAt).not.toBeNull();
  });

  it('refuses each invalid field with its message and stores nothing', async () => {
    const before = await pollCount();
    const past = new Date(Date.now() - 60_000).toISOString();
    const cases: [Record<string, unknown>, string][] = [
      [{ question: '   ' }, `question: ${message('notEmpty')}`],
      [{ question: 'q'.repeat(301) }, 'question: Must be at most 300 characters.'],
      [{ options: ['Only'] }, 'options: Needs at least 2 entries.'],
      [
        { options: Array.from({ length: 21 }, (_, i) => `Option ${i}`) },
        'options: Allows at most 20 entries.'
      ],
      [{ options: ['Yes', ' '] }, `options.1: ${message('notEmpty')}`],
      [{ options: ['Yes', 'x'.repeat(121)] }, 'options.1: Must be at most 120 characters.'],
      [{ options: ['Yes', 'No', ' yes '] }, `options.2: ${message('pollOptionsDuplicate')}`],
      [{ choice: 'ranked' }, 'choice: Must be one of: single, multiple.'],
      [{ choice: undefined }, `choice: ${message('required')}`],
      [{ results: 'never' }, 'results: Must be one of: live, closed.'],
      [{ anonymous: 'yes' }, 'anonymous: Must be true or false.'],
      [{ closesAt: 'tomorrow' }, `closesAt: ${message('invalidFormat')}`],
      [{ closesAt: past }, `closesAt: ${message('pollClosesAtPast')}`],
      [{ eventId: other.meeting.id }, `eventId: ${message('pollEventInvalid')}`],
      [{ eventId: 'no-such-meeting' }, `eventId: ${message('pollEventInvalid')}`],
      [{ colour: 'red' }, `colour: ${message('unknownField')}`]
    ];
    for (const [over, error] of cases) {
      const res = await api.create(room.group.slug, room.host.token, pollBody(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(errorsOf(res), JSON.stringify(over)).toEqual([error]);
    }
    const german = await t.request({
      method: 'POST',
      url: `/api/v1/groups/${room.group.slug}/polls`,
      token: room.host.token,
      headers: { 'accept-language': 'de' },
      body: pollBody({ options: ['Ja', 'ja'] })
    });
    expect(errorsOf(german)).toEqual([
      'options.1: Diese Antwortmöglichkeit steht schon in der Liste.'
    ]);
    expect(await pollCount()).toBe(before);
  });

  it('lets only those who manage polls create them', async () => {
    const before = await pollCount();
    expect((await api.create(room.group.slug, member(), pollBody())).statusCode).toBe(403);
    expect((await api.create(room.group.slug, undefined, pollBody())).statusCode).toBe(401);
    expect((await api.create(room.group.slug, room.outsider.token, pollBody())).statusCode).toBe(
      403
    );
    expect(await pollCount()).toBe(before);
  });

  it('lists newest first, filters by status, and shows drafts only to managers', async () => {
    const g = await buildRoomFixture(t);
    const create = async (over: Record<string, unknown>) =>
      (await api.create(g.group.slug, g.host.token, pollBody(over))).json<WirePoll>();
    const draft = await create({ question: 'Draft' });
    const open = await create({ question: 'Open', open: true });
    const closed = await create({ question: 'Closed', open: true });
    expect((await api.action(closed.id, 'close', g.host.token)).statusCode).toBe(200);
    const due = await create({ question: 'Due', open: true });
    await t.testDb.db.kysely
      .updateTable('polls')
      .set({ closes_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', due.id)
      .execute();
    const ids = async (token: string | undefined, query = '') => {
      const res = await api.list(g.group.slug, token, query);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: WirePoll[] }>().items.map((p) => p.question);
    };
    expect(await ids(g.host.token)).toEqual(['Due', 'Closed', 'Open', 'Draft']);
    expect(await ids(g.going[0]?.token)).toEqual(['Due', 'Closed', 'Open']);
    expect(await ids(undefined)).toEqual(['Due', 'Closed', 'Open']);
    expect(await ids(g.host.token, '?status=draft')).toEqual(['Draft']);
    expect(await ids(g.going[0]?.token, '?status=draft')).toEqual([]);
    expect(await ids(g.going[0]?.token, '?status=open')).toEqual(['Open']);
    expect(await ids(g.going[0]?.token, '?status=closed')).toEqual(['Due', 'Closed']);
    const page = await api.list(g.group.slug, g.host.token, '?limit=3');
    const first = page.json<{ items: WirePoll[]; nextCursor: string | null }>();
    expect(first.items.map((p) => p.id)).toEqual([due.id, closed.id, open.id]);
    expect(first.nextCursor).not.toBeNull();
    const rest = await api.list(
      g.group.slug,
      g.host.token,
      `?limit=3&cursor=${first.nextCursor ?? ''}`
    );
    expect(rest.json<{ items: WirePoll[] }>().items.map((p) => p.id)).toEqual([draft.id]);
    expect(errorsOf(await api.list(g.group.slug, g.host.token, '?status=maybe'))).toEqual([
      'status: Must be one of: draft, open, closed.'
    ]);
    expect(errorsOf(await api.list(g.group.slug, g.host.token, '?cursor=nope'))).toEqual([
      `cursor: ${message('invalid')}`
    ]);
    // A draft is no one's business but the managers'.
    expect((await api.get(draft.id, g.going[0]?.token)).statusCode).toBe(404);
    expect((await api.get(draft.id, g.host.token)).statusCode).toBe(200);
  });

  it('opens a draft and closes it; refuses what no longer fits', async () => {
    const poll = await makePoll();
    // A draft is hidden from members: they cannot launch what they cannot see.
    expect((await api.action(poll.id, 'open', member())).statusCode).toBe(404);
    expect(conflictOf(await api.action(poll.id, 'close', room.host.token), 'pollNotOpen')).toBe(
      '409 pollNotOpen'
    );
    const opened = await api.action(poll.id, 'open', room.host.token);
    expect(opened.json<WirePoll>()).toMatchObject({ status: 'open' });
    expect(conflictOf(await api.action(poll.id, 'open', room.host.token), 'pollNotDraft')).toBe(
      '409 pollNotDraft'
    );
    expect(
      conflictOf(await api.patch(poll.id, room.host.token, { question: 'x?' }), 'pollNotDraft')
    ).toBe('409 pollNotDraft');
    expect(conflictOf(await api.remove(poll.id, room.host.token), 'pollNotDraft')).toBe(
      '409 pollNotDraft'
    );
    expect((await api.action(poll.id, 'close', member())).statusCode).toBe(403);
    const closed = await api.action(poll.id, 'close', room.owner.token);
    expect(closed.json<WirePoll>()).toMatchObject({ status: 'closed' });
    const closedAt = closed.json<WirePoll>().closedAt;
    expect(closedAt).not.toBeNull();
    // Closing again changes nothing.
    const again = await api.action(poll.id, 'close', room.owner.token);
    expect(again.json<WirePoll>().closedAt).toBe(closedAt);
  });

  it('refuses to launch a draft whose closing time has passed', async () => {
    const poll = await makePoll({ closesAt: new Date(Date.now() + 60_000).toISOString() });
    await t.testDb.db.kysely
      .updateTable('polls')
      .set({ closes_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', poll.id)
      .execute();
    expect(conflictOf(await api.action(poll.id, 'open', room.host.token), 'pollClosesAtPast')).toBe(
      '409 pollClosesAtPast'
    );
    expect((await api.get(poll.id, room.host.token)).json<WirePoll>().status).toBe('draft');
  });

  it('edits a draft field by field and replaces its options; deletes a draft', async () => {
    const poll = await makePoll();
    const res = await api.patch(poll.id, room.host.token, {
      question: 'Which evening?',
      options: ['Monday', 'Friday'],
      choice: 'multiple'
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<WirePoll>()).toMatchObject({
      question: 'Which evening?',
      choice: 'multiple',
      anonymous: false,
      results: 'live'
    });
    expect(res.json<WirePoll>().options.map((o) => o.label)).toEqual(['Monday', 'Friday']);
    expect(
      errorsOf(await api.patch(poll.id, room.host.token, { options: ['Same', 'same'] }))
    ).toEqual([`options.1: ${message('pollOptionsDuplicate')}`]);
    expect(errorsOf(await api.patch(poll.id, room.host.token, { question: '' }))).toEqual([
      `question: ${message('notEmpty')}`
    ]);
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(errorsOf(await api.patch(poll.id, room.host.token, { closesAt: past }))).toEqual([
      `closesAt: ${message('pollClosesAtPast')}`
    ]);
    expect(
      errorsOf(await api.patch(poll.id, room.host.token, { eventId: room.meeting.id }))
    ).toEqual([`eventId: ${message('unknownField')}`]);
    const closesAt = new Date(Date.now() + 3600_000).toISOString();
    const timed = await api.patch(poll.id, room.host.token, { closesAt });
    expect(timed.json<WirePoll>().closesAt).toBe(closesAt);
    const cleared = await api.patch(poll.id, room.host.token, { closesAt: null });
    expect(cleared.json<WirePoll>().closesAt).toBeNull();
    expect((await api.patch(poll.id, member(), { question: 'Mine?' })).statusCode).toBe(404);
    expect((await api.get(poll.id, room.host.token)).json<WirePoll>().question).toBe(
      'Which evening?'
    );
    expect((await api.remove(poll.id, member())).statusCode).toBe(404);
    expect((await api.remove(poll.id, room.host.token)).statusCode).toBe(204);
    expect((await api.get(poll.id, room.host.token)).statusCode).toBe(404);
    const options = await t.testDb.db.kysely
      .selectFrom('poll_options')
      .select('id')
      .where('poll_id', '=', poll.id)
      .execute();
    expect(options).toEqual([]);
  });

  it('takes one single-choice ballot per member, final once cast', async () => {
    const poll = await makePoll({ open: true });
    const [a, b, c] = poll.options.map((o) => o.id) as [string, string, string];
    const refused: [string[], string][] = [
      [[], `optionIds: ${message('pollNoChoice')}`],
      [[a, b], `optionIds: ${message('pollOneChoiceOnly')}`],
      [['nope'], `optionIds: ${message('pollUnknownOption')}`]
    ];
    for (const [ids, error] of refused) {
      expect(errorsOf(await api.ballot(poll.id, member(), ids)), ids.join()).toEqual([error]);
    }
    const first = await api.ballot(poll.id, member(), [b, b]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<WirePoll>()).toMatchObject({
      ballotCount: 1,
      my: { answered: true, optionIds: [b] },
      viewer: { canManage: false, canAnswer: false }
    });
    expect(first.json<WirePoll>().options.map((o) => [o.votes, o.percent])).toEqual([
      [0, 0],
      [1, 100],
      [0, 0]
    ]);
    expect(conflictOf(await api.ballot(poll.id, member(), [c]), 'alreadyAnswered')).toBe(
      '409 alreadyAnswered'
    );
    await api.ballot(poll.id, member(1), [c]);
    await api.ballot(poll.id, room.host.token, [b]);
    const seen = (await api.get(poll.id, member(2))).json<WirePoll>();
    expect(seen.ballotCount).toBe(3);
    expect(seen.options.map((o) => [o.votes, o.percent])).toEqual([
      [0, 0],
      [2, 67],
      [1, 33]
    ]);
    expect(seen.options[1]?.voters?.map((v) => v.id).sort()).toEqual(
      [room.going[0]?.id, room.host.id].sort()
    );
    expect(seen.viewer).toEqual({ canManage: false, canAnswer: true });
    expect(seen.my).toEqual({ answered: false, optionIds: [] });
    // Outsiders and anonymous callers do not answer; the admin of nothing here neither.
    expect((await api.ballot(poll.id, room.outsider.token, [a])).statusCode).toBe(403);
    expect((await api.ballot(poll.id, undefined, [a])).statusCode).toBe(401);
    expect((await api.get(poll.id)).json<WirePoll>().my).toBeNull();
  });

  it('counts a multiple-choice ballot on every option chosen', async () => {
    const poll = await makePoll({ open: true, choice: 'multiple' });
    const [a, b, c] = poll.options.map((o) => o.id) as [string, string, string];
    expect(errorsOf(await api.ballot(poll.id, member(), [a, 'nope']))).toEqual([
      `optionIds: ${message('pollUnknownOption')}`
    ]);
    const res = await api.ballot(poll.id, member(), [c, a]);
    expect(res.json<WirePoll>().my).toEqual({ answered: true, optionIds: [a, c] });
    await api.ballot(poll.id, member(1), [a]);
    const seen = (await api.get(poll.id, member())).json<WirePoll>();
    expect(seen.ballotCount).toBe(2);
    expect(seen.options.map((o) => [o.id, o.votes, o.percent])).toEqual([
      [a, 2, 100],
      [b, 0, 0],
      [c, 1, 50]
    ]);
  });

  it('takes no ballots once closed, by hand or by its closing time', async () => {
    const byHand = await makePoll({ open: true });
    await api.action(byHand.id, 'close', room.host.token);
    const first = byHand.options[0]?.id ?? '';
    expect(conflictOf(await api.ballot(byHand.id, member(), [first]), 'pollNotOpen')).toBe(
      '409 pollNotOpen'
    );

    const draft = await makePoll();
    expect(
      conflictOf(
        await api.ballot(draft.id, room.host.token, [draft.options[0]?.id ?? '']),
        'pollNotOpen'
      )
    ).toBe('409 pollNotOpen');

    const timed = await makePoll({
      open: true,
      closesAt: new Date(Date.now() + 60_000).toISOString()
    });
    const option = timed.options[0]?.id ?? '';
    expect((await api.ballot(timed.id, member(), [option])).statusCode).toBe(200);
    const closesAt = new Date(Date.now() - 1000);
    await t.testDb.db.kysely
      .updateTable('polls')
      .set({ closes_at: closesAt.toISOString() })
      .where('id', '=', timed.id)
      .execute();
    // Closed before the sweep writes it down…
    const seen = (await api.get(timed.id, member(1))).json<WirePoll>();
    expect(seen).toMatchObject({ status: 'closed', closedAt: closesAt.toISOString() });
    expect(seen.viewer.canAnswer).toBe(false);
    expect(conflictOf(await api.ballot(timed.id, member(1), [option]), 'pollNotOpen')).toBe(
      '409 pollNotOpen'
    );
    // …and after: the sweep closes it at its time, once.
    expect(await closeDuePolls(t.testDb.db, { realtime: t.context.realtime })).toBeGreaterThan(0);
    expect(await closeDuePolls(t.testDb.db, { realtime: t.context.realtime })).toBe(0);
    const row = await t.testDb.db.kysely
      .selectFrom('polls')
      .select(['status', 'closed_at', 'ballot_count'])
      .where('id', '=', timed.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    expect(new Date(row.closed_at ?? 0).toISOString()).toBe(closesAt.toISOString());
    expect(row.ballot_count).toBe(1);
  });

  it('hides the results of a closed-results poll from members until it closes', async () => {
    const poll = await makePoll({ open: true, results: 'closed' });
    const option = poll.options[0]?.id ?? '';
    const answered = (await api.ballot(poll.id, member(), [option])).json<WirePoll>();
    expect(answered.resultsVisible).toBe(false);
    expect(answered.ballotCount).toBe(1);
    expect(answered.options.map((o) => [o.votes, o.percent, o.voters])).toEqual([
      [null, null, null],
      [null, null, null],
      [null, null, null]
    ]);
    expect(answered.my).toEqual({ answered: true, optionIds: [option] });
    const listed = (await api.list(room.group.slug, member(1))).json<{ items: WirePoll[] }>();
    expect(listed.items.find((p) => p.id === poll.id)?.options[0]?.votes).toBeNull();
    const manager = (await api.get(poll.id, room.host.token)).json<WirePoll>();
    expect(manager.resultsVisible).toBe(true);
    expect(manager.options[0]).toMatchObject({ votes: 1, percent: 100 });
    expect(manager.options[0]?.voters?.map((v) => v.id)).toEqual([room.going[0]?.id]);
    await api.action(poll.id, 'close', room.host.token);
    const after = (await api.get(poll.id, member(1))).json<WirePoll>();
    expect(after.resultsVisible).toBe(true);
    expect(after.options[0]).toMatchObject({ votes: 1, percent: 100 });
  });

  it('exports the results as CSV to managers, with voters for a named poll', async () => {
    const poll = await makePoll({
      open: true,
      choice: 'multiple',
      options: ['Plain', 'With, comma', '=SUM(A1)']
    });
    const [a, b, c] = poll.options.map((o) => o.id) as [string, string, string];
    await api.ballot(poll.id, member(), [a, b]);
    await api.ballot(poll.id, member(1), [a, c]);
    const names = [room.going[0]?.name ?? '', room.going[1]?.name ?? ''].sort().join('; ');
    const res = await api.csv(poll.id, room.host.token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="poll-${poll.id}.csv"`);
    expect(res.body).toBe(
      [
        'option,votes,percent,voters',
        `Plain,2,100,${names}`,
        `"With, comma",1,50,${room.going[0]?.name ?? ''}`,
        `'=SUM(A1),1,50,${room.going[1]?.name ?? ''}`,
        ''
      ].join('\r\n')
    );
    expect((await api.csv(poll.id, member())).statusCode).toBe(403);
    expect((await api.csv(poll.id)).statusCode).toBe(401);
  });
  it('documents the poll endpoints in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>
      >;
      components: { schemas: Record<string, unknown> };
    }>();
    const poll = '/api/v1/polls/{id}';
    for (const [path, methods] of [
      ['/api/v1/groups/{slug}/polls', ['get', 'post']],
      [poll, ['get', 'patch', 'delete']],
      [`${poll}/open`, ['post']],
      [`${poll}/close`, ['post']],
      [`${poll}/ballots`, ['post']],
      [`${poll}/results.csv`, ['get']]
    ] as const) {
      for (const method of methods) {
        const operation = doc.paths[path]?.[method];
        expect(operation?.tags, `${method} ${path}`).toEqual(['polls']);
        expect(operation?.summary, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.keys(operation?.responses ?? {}), `${method} ${path}`).toContain('404');
      }
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Poll', 'PollList'])
    );
  });
});
