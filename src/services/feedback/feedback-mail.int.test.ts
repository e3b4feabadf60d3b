import { beforeAll, describe, expect, it } from 'vitest';
import { buildFeedbackFixture } from '../../http/routes/feedback/feedback-fixture.ts';
import { MAIL_QUEUE, type MailMessage } from '../../jobs/mail-message.ts';
import { renderMail } from '../../jobs/mail-templates.ts';
import { describeWithApp, type TestApp } from '../../test/test-app.ts';
import { cancelMeeting, findMeeting, type Meeting } from '../event.service.ts';
import { MEETING_MAIL_QUEUE } from '../meeting-mail-jobs.ts';
import { runMeetingMailJob } from '../meeting-mail.service.ts';
import { verifyUnsubscribeToken } from '../unsubscribe.service.ts';
import { requestDueFeedback } from './feedback-jobs.ts';

const MINUTE = 60_000;

describeWithApp('feedback requests', (app) => {
  let t: TestApp;
  beforeAll(() => {
    t = app();
  });

  /** The meeting-mail jobs of kind `feedback` enqueued so far. */
  const feedbackJobs = () =>
    t.queue.payloads(MEETING_MAIL_QUEUE).filter((p) => (p as { kind: string }).kind === 'feedback');

  describe('the sweep', () => {
    it('asks once per meeting that ended between 1 hour and 7 days ago', async () => {
      // Meetings last 90 minutes: these ended 2 hours, 10 minutes, 8 days and 6 days ago.
      const due = await buildFeedbackFixture(t, { startsInMinutes: -210 });
      const recent = await buildFeedbackFixture(t, { startsInMinutes: -100 });
      const old = await buildFeedbackFixture(t, { startsInMinutes: -(8 * 24 * 60 + 90) });
      const lastWeek = await buildFeedbackFixture(t, { startsInMinutes: -(6 * 24 * 60 + 90) });
      const cancelled = await buildFeedbackFixture(t, { startsInMinutes: -210 });
      await cancelMeeting(
        t.testDb.db,
        t.queue,
        (await findMeeting(t.testDb.db, cancelled.meeting.id)) as Meeting,
        'Nobody came.'
      );
      t.queue.clear();

      const asked = await requestDueFeedback(t.testDb.db, t.queue);
      expect(asked.sort()).toEqual([due.meeting.id, lastWeek.meeting.id].sort());
      expect(feedbackJobs()).toEqual(
        expect.arrayContaining([
          { kind: 'feedback', eventId: due.meeting.id },
          { kind: 'feedback', eventId: lastWeek.meeting.id }
        ])
      );
      expect(feedbackJobs()).toHaveLength(2);
      const marked = await t.testDb.db.kysely
        .selectFrom('events')
        .select(['id', 'feedback_requested_at'])
        .where('id', 'in', [due.meeting.id, recent.meeting.id, old.meeting.id])
        .execute();
      expect(
        Object.fromEntries(marked.map((m) => [m.id, m.feedback_requested_at !== null]))
      ).toEqual({ [due.meeting.id]: true, [recent.meeting.id]: false, [old.meeting.id]: false });

      // Running it again asks nothing more.
      expect(await requestDueFeedback(t.testDb.db, t.queue)).toEqual([]);
      expect(feedbackJobs()).toHaveLength(2);

      // Fifty minutes later, the meeting that had just ended is due too — once.
      const later = new Date(Date.now() + 50 * MINUTE);
      expect(await requestDueFeedback(t.testDb.db, t.queue, later)).toEqual([recent.meeting.id]);
      expect(await requestDueFeedback(t.testDb.db, t.queue, later)).toEqual([]);
      expect(feedbackJobs()).toHaveLength(3);
    });
  });

  describe('the mail', () => {
    const deps = () => ({ db: t.testDb.db, baseUrl: t.config.baseUrl, secret: t.config.secret });
    const emailOf = async (id: string) =>
      (
        await t.testDb.db.kysely
          .selectFrom('users')
          .select('email')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).email;
    const mailsOf = () => t.queue.payloads(MAIL_QUEUE).map((m) => m as MailMessage);

    it('goes to those who attended only, in their language, with the form and an unsubscribe link', async () => {
      const f = await buildFeedbackFixture(t, { startsInMinutes: -210, going: 3 });
      const [checked, going0, going1] = f.attendees as [
        (typeof f.attendees)[0],
        (typeof f.attendees)[0],
        (typeof f.attendees)[0]
      ];
      const k = t.testDb.db.kysely;
      await k.updateTable('users').set({ language: 'de' }).where('id', '=', going0.id).execute();
      t.queue.clear();

      const sent = await runMeetingMailJob(t.queue, deps(), {
        kind: 'feedback',
        eventId: f.meeting.id
      });
      expect(sent).toBe(3);
      const mails = mailsOf();
      // Not going[2] (going, not checked in), notGoing, host, owner, speaker or outsider.
      expect(mails.map((m) => m.to).sort()).toEqual(
        (await Promise.all([checked, going0, going1].map((p) => emailOf(p.id)))).sort()
      );
      const formUrl = `${t.config.baseUrl}/groups/${f.group.slug}/events/${f.meeting.id}/feedback`;
      for (const mail of mails) {
        expect(mail.template).toBe('meeting-feedback');
        expect(mail.params.url).toBe(formUrl);
        expect(mail.attachments).toBeUndefined();
        const oneClick = new URL(mail.listUnsubscribe ?? '');
        expect(`${oneClick.origin}${oneClick.pathname}`).toBe(
          `${t.config.baseUrl}/api/v1/unsubscribe`
        );
        const claim = verifyUnsubscribeToken(
          t.config.secret,
          oneClick.searchParams.get('token') ?? ''
        );
        expect(claim).toMatchObject({ kind: 'remind', scope: f.group.id });
      }

      const german = mails.find((m) => m.locale === 'de');
      expect(german?.to).toBe(await emailOf(going0.id));
      const rendered = await renderMail(german as MailMessage);
      expect(rendered.subject).toBe(`Wie war ${f.meeting.title}? (${f.group.name})`);
      expect(rendered.text).toContain('Hallo ');
      expect(rendered.text).toContain(`Feedback geben:\n${formUrl}\n`);
      expect(rendered.text).toContain(
        `Keine Erinnerungen und Feedback-Anfragen mehr für Treffen von ${f.group.name}\n${german?.params.unsubscribeUrl ?? '?'}\n`
      );
      const english = mails.find((m) => m.to !== german?.to);
      const renderedEn = await renderMail(english as MailMessage);
      expect(renderedEn.subject).toBe(`How was ${f.meeting.title}? (${f.group.name})`);
      expect(renderedEn.text).toContain(`Give feedback:\n${formUrl}\n`);
    });

    it('respects opt-outs of reminders and "no meeting mail", and the one-click link', async () => {
      const f = await buildFeedbackFixture(t, { startsInMinutes: -210 });
      const [checked, going0, going1] = f.attendees as [
        (typeof f.attendees)[0],
        (typeof f.attendees)[0],
        (typeof f.attendees)[0]
      ];
      const k = t.testDb.db.kysely;
      await k
        .insertInto('mail_opt_outs')
        .values({
          user_id: going1.id,
          kind: 'remind',
          scope: f.group.id,
          created_at: new Date().toISOString()
        })
        .execute();
      await k
        .updateTable('memberships')
        .set({ meeting_mail: 'none' })
        .where('group_id', '=', f.group.id)
        .where('user_id', '=', going0.id)
        .execute();
      t.queue.clear();
      await runMeetingMailJob(t.queue, deps(), { kind: 'feedback', eventId: f.meeting.id });
      expect(mailsOf().map((m) => m.to)).toEqual([await emailOf(checked.id)]);

      // The one-click link of that mail stops the next one.
      const url = new URL(mailsOf()[0]?.listUnsubscribe ?? '');
      const res = await t.app.inject({
        method: 'POST',
        url: `${url.pathname}${url.search}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click'
      });
      expect(res.statusCode).toBe(200);
      t.queue.clear();
      expect(
        await runMeetingMailJob(t.queue, deps(), { kind: 'feedback', eventId: f.meeting.id })
      ).toBe(0);
      expect(mailsOf()).toEqual([]);
    });

    it('sends nothing before the end, after feedback closed, or for a cancelled meeting', async () => {
      const running = await buildFeedbackFixture(t, { startsInMinutes: -10 });
      const closed = await buildFeedbackFixture(t, { startsInMinutes: -(31 * 24 * 60) });
      const cancelled = await buildFeedbackFixture(t, { startsInMinutes: -210 });
      await t.testDb.db.kysely
        .updateTable('events')
        .set({ status: 'cancelled' })
        .where('id', '=', cancelled.meeting.id)
        .execute();
      t.queue.clear();
      for (const f of [running, closed, cancelled]) {
        expect(
          await runMeetingMailJob(t.queue, deps(), { kind: 'feedback', eventId: f.meeting.id })
        ).toBe(0);
      }
      expect(mailsOf()).toEqual([]);
    });
  });
});
