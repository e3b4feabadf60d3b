import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';
import { buildFeedbackFixture, type FeedbackFixture } from './feedback-fixture.ts';

const DAY_MINUTES = 24 * 60;

describeWithApp('meeting feedback', (app) => {
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

  const form = (f: FeedbackFixture, token?: string) =>
    t.request({ method: 'GET', url: `/api/v1/events/${f.meeting.id}/feedback/form`, token });
  const put = (f: FeedbackFixture, token: string, body: unknown) =>
    t.request({ method: 'PUT', url: `/api/v1/events/${f.meeting.id}/feedback`, token, body });
  const report = (f: FeedbackFixture, token: string) =>
    t.request({ method: 'GET', url: `/api/v1/events/${f.meeting.id}/feedback`, token });
  const fullBody = (f: FeedbackFixture) => ({
    rating: 4,
    comment: 'Good evening',
    nextTime: 'Mutation testing',
    items: [
      { agendaItemId: f.talkItemId, rating: 5, comment: 'Clear talk', anonymous: true },
      { agendaItemId: f.topicItemId, rating: 3, comment: '', anonymous: false }
    ]
  });

  describe('the form', () => {
    let f: FeedbackFixture;
    beforeAll(async () => {
      f = await buildFeedbackFixture(t);
    });

    it('lets an attendee give feedback on the talks and topics of an ended meeting', async () => {
      const res = await form(f, f.checkedIn.token);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        canGive: true,
        reason: null,
        items: [
          {
            agendaItemId: f.talkItemId,
            kind: 'talk',
            title: 'Property testing',
            speaker: f.speaker.name
          },
          { agendaItemId: f.topicItemId, kind: 'topic', title: 'Flaky tests', speaker: null }
        ],
        mine: null
      });
    });

    it('says notAttended to members who were not there and to non-members', async () => {
      for (const who of [f.notGoing, f.host, f.outsider]) {
        const res = await form(f, who.token);
        expect(res.statusCode, who.name).toBe(200);
        expect(res.json(), who.name).toMatchObject({ canGive: false, reason: 'notAttended' });
      }
      expect((await form(f)).statusCode).toBe(401);
    });

    it('says notStarted before the start and is open while the meeting runs', async () => {
      const later = await buildFeedbackFixture(t, { startsInMinutes: 60 });
      expect((await form(later, later.checkedIn.token)).json()).toMatchObject({
        canGive: false,
        reason: 'notStarted'
      });
      const put1 = await put(later, later.checkedIn.token, { rating: 5 });
      expect(put1.statusCode).toBe(409);
      expect(put1.json().detail).toMatch(/not open/);

      const running = await buildFeedbackFixture(t, { startsInMinutes: -10 });
      expect((await form(running, running.checkedIn.token)).json()).toMatchObject({
        canGive: true,
        reason: null
      });
    });

    it('says closed 30 days after the end, and refuses feedback then', async () => {
      // Ended 30 days and 30 minutes ago.
      const old = await buildFeedbackFixture(t, { startsInMinutes: -(30 * DAY_MINUTES + 120) });
      expect((await form(old, old.checkedIn.token)).json()).toMatchObject({
        canGive: false,
        reason: 'closed'
      });
      const res = await put(old, old.checkedIn.token, { rating: 5 });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      // Still open 29 days after the end.
      const recent = await buildFeedbackFixture(t, { startsInMinutes: -(29 * DAY_MINUTES + 120) });
      expect((await form(recent, recent.checkedIn.token)).json()).toMatchObject({
        canGive: true
      });
    });

    it('takes those going as attendees when nobody was checked in', async () => {
      const g = await buildFeedbackFixture(t, { checkIns: false });
      for (const p of g.going) {
        expect((await form(g, p.token)).json(), p.name).toMatchObject({ canGive: true });
      }
      expect((await form(g, g.checkedIn.token)).json()).toMatchObject({
        reason: 'notAttended'
      });
      expect((await put(g, g.checkedIn.token, { rating: 3 })).statusCode).toBe(403);
      expect((await put(g, g.going[0]?.token ?? '', { rating: 3 })).statusCode).toBe(200);
    });

    it('refuses members who did not attend with 403', async () => {
      for (const who of [f.notGoing, f.host, f.owner]) {
        const res = await put(f, who.token, { rating: 3 });
        expect(res.statusCode, who.name).toBe(403);
      }
    });
  });

  describe('giving feedback', () => {
    let f: FeedbackFixture;
    beforeAll(async () => {
      f = await buildFeedbackFixture(t);
    });

    async function fieldErrors(body: unknown): Promise<{ field: string; message: string }[]> {
      const res = await put(f, f.checkedIn.token, body);
      expect(res.statusCode, res.body).toBe(400);
      return res.json<{ errors: { field: string; message: string }[] }>().errors;
    }

    it('validates each field', async () => {
      const range = 'Give a rating from 1 to 5.';
      expect(await fieldErrors({ rating: 0 })).toEqual([{ field: 'rating', message: range }]);
      expect(await fieldErrors({ rating: 6 })).toEqual([{ field: 'rating', message: range }]);
      expect(await fieldErrors({ rating: 2.5 })).toEqual([{ field: 'rating', message: range }]);
      expect(await fieldErrors({ rating: 3, comment: 'x'.repeat(2001) })).toEqual([
        { field: 'comment', message: expect.stringContaining('2000') }
      ]);
      expect(await fieldErrors({ rating: 3, nextTime: 'x'.repeat(501) })).toEqual([
        { field: 'nextTime', message: expect.stringContaining('500') }
      ]);
      expect(
        await fieldErrors({ rating: 3, items: [{ agendaItemId: f.talkItemId, rating: 0 }] })
      ).toEqual([{ field: 'items.0.rating', message: range }]);
      expect(
        await fieldErrors({
          rating: 3,
          items: [{ agendaItemId: f.talkItemId, rating: 4, comment: 'y'.repeat(2001) }]
        })
      ).toEqual([{ field: 'items.0.comment', message: expect.stringContaining('2000') }]);
      expect(await fieldErrors({ rating: 3, stars: 5 })).toEqual([
        { field: 'stars', message: expect.any(String) }
      ]);
      // Nothing was saved by any of these.
      expect((await form(f, f.checkedIn.token)).json().mine).toBeNull();
    });

    it('refuses an agenda item that is not a talk or topic of this meeting', async () => {
      const other = await buildFeedbackFixture(t);
      for (const agendaItemId of ['nope', f.breakItemId, other.talkItemId]) {
        expect(
          await fieldErrors({
            rating: 3,
            items: [
              { agendaItemId: f.topicItemId, rating: 3 },
              { agendaItemId, rating: 4 }
            ]
          }),
          agendaItemId
        ).toEqual([
          {
            field: 'items.1.agendaItemId',
            message: "This is not a talk or topic of the meeting's agenda."
          }
        ]);
      }
      expect(
        await fieldErrors({
          rating: null,
          items: [
            { agendaItemId: f.talkItemId, rating: 3 },
            { agendaItemId: f.talkItemId, rating: 4 }
          ]
        })
      ).toEqual([{ field: 'items.1.agendaItemId', message: 'This agenda item is rated twice.' }]);
      const unknown = await t.request({
        method: 'PUT',
        url: `/api/v1/events/${f.meeting.id}/feedback`,
        token: f.checkedIn.token,
        headers: { 'accept-language': 'de' },
        body: { rating: 3, items: [{ agendaItemId: 'nope', rating: 4 }] }
      });
      expect(unknown.json().errors).toEqual([
        {
          field: 'items.0.agendaItemId',
          message: 'Das ist kein Vortrag und kein Thema auf der Agenda des Treffens.'
        }
      ]);
    });

    it('saves, and a second save replaces the first (one row per attendee)', async () => {
      const first = await put(f, f.checkedIn.token, fullBody(f));
      expect(first.statusCode, first.body).toBe(200);
      const saved = first.json();
      expect(saved).toMatchObject({
        rating: 4,
        comment: 'Good evening',
        nextTime: 'Mutation testing',
        nextTimeTopicId: null,
        items: fullBody(f).items
      });

      const second = await put(f, f.checkedIn.token, {
        rating: null,
        items: [{ agendaItemId: f.topicItemId, rating: 2, comment: 'Too short' }]
      });
      expect(second.statusCode).toBe(200);
      expect(second.json()).toEqual({
        ...saved,
        rating: null,
        comment: '',
        nextTime: '',
        items: [{ agendaItemId: f.topicItemId, rating: 2, comment: 'Too short', anonymous: false }],
        updatedAt: expect.any(String)
      });
      const k = t.testDb.db.kysely;
      const rows = await k
        .selectFrom('feedback')
        .select(['id', 'rating'])
        .where('event_id', '=', f.meeting.id)
        .execute();
      expect(rows).toEqual([{ id: saved.id, rating: null }]);
      const items = await k
        .selectFrom('feedback_items')
        .select(['agenda_item_id', 'rating'])
        .where('feedback_id', '=', saved.id)
        .execute();
      expect(items).toEqual([{ agenda_item_id: f.topicItemId, rating: 2 }]);
      expect((await form(f, f.checkedIn.token)).json().mine).toEqual(second.json());
    });

    it('keeps one row when the same attendee saves twice at once', async () => {
      const g = await buildFeedbackFixture(t);
      const token = g.checkedIn.token;
      const results = await Promise.all(
        [1, 2, 3, 4].map((rating) =>
          put(g, token, { rating, items: [{ agendaItemId: g.talkItemId, rating }] })
        )
      );
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
      const k = t.testDb.db.kysely;
      const rows = await k
        .selectFrom('feedback')
        .select(['id', 'rating'])
        .where('event_id', '=', g.meeting.id)
        .execute();
      expect(rows).toHaveLength(1);
      const items = await k
        .selectFrom('feedback_items')
        .select('rating')
        .where('feedback_id', '=', rows[0]?.id ?? '')
        .execute();
      // The last save wins as a whole: the item's rating matches the meeting's.
      expect(items).toEqual([{ rating: rows[0]?.rating }]);
    });
  });

  describe('what organizers and speakers read', () => {
    let f: FeedbackFixture;
    let ids: Record<'a' | 'b' | 'c', string>;
    beforeAll(async () => {
      f = await buildFeedbackFixture(t);
      const [a, b, c] = f.attendees as [
        FeedbackFixture['speaker'],
        FeedbackFixture['speaker'],
        FeedbackFixture['speaker']
      ];
      const give = async (token: string, body: unknown) => {
        const res = await put(f, token, body);
        expect(res.statusCode, res.body).toBe(200);
        return res.json<{ id: string }>().id;
      };
      ids = {
        a: await give(a.token, {
          rating: 5,
          comment: 'Loved it',
          nextTime: 'Mutation testing',
          items: [
            { agendaItemId: f.talkItemId, rating: 5, comment: 'Brilliant', anonymous: true },
            { agendaItemId: f.topicItemId, rating: 4 }
          ]
        }),
        b: await give(b.token, {
          rating: 4,
          comment: '',
          nextTime: '',
          items: [{ agendaItemId: f.talkItemId, rating: 3, comment: 'Too fast', anonymous: false }]
        }),
        c: await give(c.token, {
          rating: null,
          comment: 'Room was cold',
          nextTime: 'Fuzzing, with\na second line',
          items: [{ agendaItemId: f.talkItemId, rating: 4, comment: '', anonymous: true }]
        })
      };
    });

    const person = (p: { id: string; name: string }) => ({
      id: p.id,
      displayName: p.name,
      handle: expect.any(String)
    });

    it('sums up exactly, with every author, for organizers', async () => {
      const [a, b, c] = f.attendees as [
        FeedbackFixture['speaker'],
        FeedbackFixture['speaker'],
        FeedbackFixture['speaker']
      ];
      const res = await report(f, f.owner.token);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        responses: 3,
        attendees: 3,
        rating: { count: 2, average: 4.5, distribution: [0, 0, 0, 1, 1] },
        comments: [
          { text: 'Loved it', author: person(a) },
          { text: 'Room was cold', author: person(c) }
        ],
        nextTime: [
          { feedbackId: ids.a, text: 'Mutation testing', author: person(a), topicId: null },
          {
            feedbackId: ids.c,
            text: 'Fuzzing, with\na second line',
            author: person(c),
            topicId: null
          }
        ],
        items: [
          {
            agendaItemId: f.talkItemId,
            kind: 'talk',
            title: 'Property testing',
            rating: { count: 3, average: 4, distribution: [0, 0, 1, 1, 1] },
            comments: [
              { text: 'Brilliant', author: person(a), anonymous: true },
              { text: 'Too fast', author: person(b), anonymous: false }
            ]
          },
          {
            agendaItemId: f.topicItemId,
            kind: 'topic',
            title: 'Flaky tests',
            rating: { count: 1, average: 4, distribution: [0, 0, 0, 1, 0] },
            comments: []
          }
        ]
      });
      expect((await report(f, f.host.token)).statusCode).toBe(403);
      expect((await report(f, f.checkedIn.token)).statusCode).toBe(403);
    });

    it('exports the aggregates as CSV', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/events/${f.meeting.id}/feedback.csv`,
        token: f.owner.token
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="feedback-${f.meeting.id}.csv"`
      );
      expect(res.body).toBe(
        [
          'kind,title,count,average,rated1,rated2,rated3,rated4,rated5',
          `meeting,${f.meeting.title},3,4.5,0,0,0,1,1`,
          'talk,Property testing,3,4,0,0,1,1,1',
          'topic,Flaky tests,1,4,0,0,0,1,0',
          ''
        ].join('\r\n')
      );
    });

    it('makes a backlog topic of a wish for next time, once', async () => {
      const [, , c] = f.attendees as [
        FeedbackFixture['speaker'],
        FeedbackFixture['speaker'],
        FeedbackFixture['speaker']
      ];
      const url = (id: string) => `/api/v1/events/${f.meeting.id}/feedback/${id}/topic`;
      const res = await t.request({ method: 'POST', url: url(ids.c), token: f.owner.token });
      expect(res.statusCode, res.body).toBe(201);
      const { topicId } = res.json<{ topicId: string }>();
      const topic = await t.testDb.db.kysely
        .selectFrom('topics')
        .select(['group_id', 'title', 'description', 'status', 'proposed_by', 'wants'])
        .where('id', '=', topicId)
        .executeTakeFirstOrThrow();
      expect(topic).toEqual({
        group_id: f.group.id,
        title: 'Fuzzing, with',
        description: `> Fuzzing, with\n> a second line\n\n[${f.meeting.title}](/groups/${f.group.slug}/events/${f.meeting.id})`,
        status: 'open',
        proposed_by: c.id,
        wants: 'explain'
      });

      const again = await t.request({ method: 'POST', url: url(ids.c), token: f.owner.token });
      expect(again.statusCode).toBe(409);
      expect(again.json().detail).toBe('This wish is already a topic in the backlog.');
      const topics = await t.testDb.db.kysely
        .selectFrom('topics')
        .select('id')
        .where('group_id', '=', f.group.id)
        .execute();
      expect(topics).toEqual([{ id: topicId }]);

      const nextTime = (await report(f, f.owner.token)).json<{
        nextTime: { feedbackId: string; topicId: string | null }[];
      }>().nextTime;
      expect(nextTime.map((n) => [n.feedbackId, n.topicId])).toEqual([
        [ids.a, null],
        [ids.c, topicId]
      ]);

      // No wish, or the feedback of another meeting.
      const empty = await t.request({ method: 'POST', url: url(ids.b), token: f.owner.token });
      expect(empty.statusCode).toBe(409);
      expect(empty.json().detail).toBe('This feedback has no wish for next time.');
      const other = await buildFeedbackFixture(t);
      const foreign = await t.request({
        method: 'POST',
        url: `/api/v1/events/${other.meeting.id}/feedback/${ids.a}/topic`,
        token: other.owner.token
      });
      expect(foreign.statusCode).toBe(404);
    });

    it('shows the speaker the feedback on their talk without anonymous authors', async () => {
      const [a, b] = f.attendees as [FeedbackFixture['speaker'], FeedbackFixture['speaker']];
      const url = `/api/v1/groups/${f.group.slug}/talks/${f.talkId}/feedback`;
      const rating = { count: 3, average: 4, distribution: [0, 0, 1, 1, 1] };
      const asSpeaker = await t.request({ method: 'GET', url, token: f.speaker.token });
      expect(asSpeaker.statusCode).toBe(200);
      expect(asSpeaker.json()).toEqual({
        rating,
        comments: [
          { text: 'Brilliant', author: null },
          { text: 'Too fast', author: person(b) }
        ]
      });
      const asOrganizer = await t.request({ method: 'GET', url, token: f.owner.token });
      expect(asOrganizer.json()).toEqual({
        rating,
        comments: [
          { text: 'Brilliant', author: person(a) },
          { text: 'Too fast', author: person(b) }
        ]
      });
      expect((await t.request({ method: 'GET', url, token: a.token })).statusCode).toBe(403);
      expect(
        (
          await t.request({
            method: 'GET',
            url: url.replace(f.talkId, 'nope'),
            token: f.owner.token
          })
        ).statusCode
      ).toBe(404);
    });
  });
});
