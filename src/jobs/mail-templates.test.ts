import { describe, expect, it } from 'vitest';
import { LOCALES } from '../i18n/i18n.ts';
import de from '../i18n/locales/de/mail.json' with { type: 'json' };
import en from '../i18n/locales/en/mail.json' with { type: 'json' };
import type { MailMessage, MailTemplate } from './mail-message.ts';
import { MAIL_TEMPLATES, mailMessageSchema, renderMail } from './mail-templates.ts';

const URL_ = 'https://guild.example.com/verify?token=abc123&next=%2Fme';
const UNSUBSCRIBE = 'https://guild.example.com/unsubscribe?token=t0k.en';
const ONLINE = 'https://meet.example/r/room?pwd=42';

function meetingParams(name: string): Record<string, string> {
  return {
    name,
    url: URL_,
    groupName: 'Rust Berlin',
    title: 'Rust & Pizza',
    when: 'Thursday, December 3, 2026, 7:00 – 9:00 PM (Europe/Berlin)',
    place: 'c-base, Main hall, Rungestraße 20',
    unsubscribeUrl: UNSUBSCRIBE
  };
}

function paramsFor(template: MailTemplate, name = 'Ada Lovelace'): Record<string, string> {
  switch (template) {
    case 'verify-email':
    case 'reset-password':
    case 'account-exists':
      return { name, url: URL_ };
    case 'change-email':
      return { name, url: URL_, newEmail: 'ada.new@example.com' };
    case 'password-changed':
    case 'account-deleted':
    case 'test-mail':
      return { name };
    case 'group-invitation':
      return { name, url: URL_, groupName: 'Azure Meetup München', inviterName: 'Olga Owner' };
    case 'join-request':
      return { name, url: URL_, groupName: 'DevOps and Cloud CoP', applicantName: 'Arne' };
    case 'meeting-announce':
      return meetingParams(name);
    case 'meeting-reminder':
    case 'meeting-promoted':
      return { ...meetingParams(name), onlineUrl: ONLINE };
    case 'meeting-changed':
      return {
        ...meetingParams(name),
        onlineUrl: ONLINE,
        changes: 'time,place',
        oldWhen: 'Wednesday, December 2, 2026, 7:00 – 9:00 PM (Europe/Berlin)'
      };
    case 'meeting-cancelled':
      return { ...meetingParams(name), reason: 'The speaker is ill.' };
    case 'meeting-feedback':
      return meetingParams(name);
    case 'meeting-agenda':
      return {
        ...meetingParams(name),
        agenda: '1. Rust & WebAssembly (30 min)\n2. Break (15 min)'
      };
    case 'notification':
      return {
        name,
        url: URL_,
        headline: 'Grace mentioned you in “Rust & Pizza”',
        excerpt: 'Any tips, @ada?',
        settingsUrl: SETTINGS,
        unsubscribeUrl: UNSUBSCRIBE
      };
    case 'notification-digest':
      return {
        name,
        url: URL_,
        frequency: 'weekly',
        count: '2',
        digest: 'Rust Berlin\n\nPosts:\n• Grace posted “Rust & Pizza”',
        settingsUrl: SETTINGS,
        unsubscribeUrl: UNSUBSCRIBE
      };
    case 'health-outreach':
      return {
        name,
        url: URL_,
        groupName: 'Rust Berlin',
        senderName: 'Olga Organizer',
        subject: 'We miss you at Rust & Pizza',
        body: 'Hi Ada,\nwe have not seen you for a while. Everything fine?'
      };
  }
}

const SETTINGS = 'https://guild.example.com/settings/notifications';

/** Templates whose strings live in a section of their own name (not under `notifications`). */
const PLAIN_TEMPLATES = MAIL_TEMPLATES.filter((t) => !t.startsWith('notification'));

function message(template: MailTemplate, locale: 'en' | 'de', name?: string): MailMessage {
  return {
    template,
    to: 'ada@example.com',
    locale,
    params: paramsFor(template, name),
    ...(template === 'health-outreach' ? { replyTo: 'olga@example.com' } : {})
  };
}

/** Every key path of a nested catalog, e.g. `verify-email.subject`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

function leafValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(leafValues);
}

describe('mail catalogs', () => {
  it('have exactly the same keys in English and German', () => {
    expect(keyPaths(de).sort()).toEqual(keyPaths(en).sort());
  });

  it('have a section for every template and no stray ones', () => {
    // `layout` and `meeting` hold words shared by several templates.
    // `notifications` holds the notification mails' strings (and their sentences).
    const sections = Object.keys(en).filter(
      (k) => k !== 'layout' && k !== 'meeting' && k !== 'notifications'
    );
    expect(sections.sort()).toEqual([...PLAIN_TEMPLATES].sort());
  });

  it('use the same placeholders in both languages', () => {
    for (const key of keyPaths(en)) {
      const get = (catalog: unknown): string =>
        key
          .split('.')
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], catalog) as string;
      const placeholders = (s: string): string[] =>
        [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort();
      expect(placeholders(get(de)), key).toEqual(placeholders(get(en)));
    }
  });

  it('contain no markup (the HTML renderer escapes catalog text as a whole)', () => {
    for (const value of [...leafValues(en), ...leafValues(de)]) expect(value).not.toMatch(/[<>&]/);
  });
});

describe('renderMail', () => {
  for (const template of PLAIN_TEMPLATES) {
    for (const locale of LOCALES) {
      it(`renders ${template} in ${locale}`, async () => {
        const mail = await renderMail(message(template, locale));
        const catalog = (locale === 'de' ? de : en) as unknown as Record<
          string,
          Record<string, string>
        >;
        const section = catalog[template] ?? {};

        const params = paramsFor(template);
        const fill = (text = '') =>
          text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => params[k] ?? '');
        const escapedFill = (text = '') =>
          fill(text).replaceAll('&', '&amp;').replaceAll("'", '&#39;');
        expect(mail.subject).toBe(fill(section.subject));
        // No missing key falls back to the key itself.
        for (const part of [mail.subject, mail.text, mail.html])
          expect(part).not.toMatch(new RegExp(`${template}\\.`));
        expect(mail.text).toContain(locale === 'de' ? 'Hallo Ada Lovelace,' : 'Hi Ada Lovelace,');
        expect(mail.text).toContain(fill(section.footer));
        expect(mail.html).toContain(`<html lang="${locale}"`);
        const subjectHtml = mail.subject.replaceAll('&', '&amp;').replaceAll("'", '&#39;');
        expect(mail.html).toContain(`<title>${subjectHtml}</title>`);

        if (['password-changed', 'account-deleted', 'test-mail'].includes(template)) {
          expect(mail.html).not.toContain('<a ');
        } else {
          expect(mail.text).toContain(`\n${URL_}\n`);
          // The URL appears as the button's href, as the raw link's href and as its text, escaped.
          const escaped = URL_.replaceAll('&', '&amp;');
          expect(mail.html.split(`href="${escaped}"`)).toHaveLength(3);
          expect(mail.html).toContain(`>${escaped}</a>`);
          expect(mail.html).not.toContain(URL_);
          expect(mail.text).toContain(`${section.action}:`);
          expect(mail.html).toContain(`>${section.action}</a>`);
        }
        if (template.startsWith('meeting-')) {
          const meeting = (locale === 'de' ? de : en).meeting;
          expect(mail.text).toContain(`${meeting.what}: Rust & Pizza\n`);
          expect(mail.text).toContain(`${meeting.when}: ${params.when ?? ''}\n`);
          expect(mail.text).toContain(`${meeting.where}: ${params.place ?? ''}\n`);
          expect(mail.html).toContain(
            `>${meeting.when}</th><td style="padding:4px 0;vertical-align:top;">${params.when ?? ''}</td>`
          );
          expect(mail.html).toContain('Rust &amp; Pizza');
          // The unsubscribe link closes the mail, after the footer.
          expect(mail.text.endsWith(`${fill(section.unsubscribe)}\n${UNSUBSCRIBE}\n`)).toBe(true);
          expect(mail.html).toContain(`href="${UNSUBSCRIBE}"`);
          expect(mail.html).toContain(`>${escapedFill(section.unsubscribe)}</a>`);
          if (params.onlineUrl) {
            expect(mail.text).toContain(`${meeting.onlineLink}: ${ONLINE}\n`);
            expect(mail.html).toContain(`href="${ONLINE}"`);
          } else {
            expect(mail.text).not.toContain(ONLINE);
            expect(mail.html).not.toContain(ONLINE);
          }
        } else {
          expect(mail.text).not.toContain(UNSUBSCRIBE);
        }
        if (template === 'meeting-changed') {
          expect(mail.text).toContain(fill(section.timeChanged));
          expect(mail.text).toContain(fill(section.placeChanged));
          expect(mail.text).toContain(`${params.oldWhen ?? '?'} → ${params.when ?? '?'}`);
        }
        if (template === 'meeting-cancelled') {
          expect(mail.text).toContain(fill(section.reason));
          expect(mail.html).toContain(escapedFill(section.reason));
        }
        if (template === 'meeting-agenda') {
          expect(mail.text).toContain(
            `${fill(section.intro)}\n\n1. Rust & WebAssembly (30 min)\n2. Break (15 min)\n`
          );
          expect(mail.html).toContain('1. Rust &amp; WebAssembly (30 min)\n2. Break (15 min)');
        }
        if (template === 'change-email') {
          expect(mail.text).toContain('ada.new@example.com');
          expect(mail.html).toContain('ada.new@example.com');
        }
      });
    }
  }

  it('escapes every interpolated value in HTML and keeps it literal in text', async () => {
    const name = `<script>alert("x")</script> & 'Bobby'`;
    const mail = await renderMail({
      template: 'change-email',
      to: 'ada@example.com',
      locale: 'en',
      params: { name, url: 'https://guild.example.com/c?a=1&b="2"', newEmail: 'a.b@example.com' }
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain(
      'Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Bobby&#39;,'
    );
    expect(mail.html).toContain('href="https://guild.example.com/c?a=1&amp;b=&quot;2&quot;"');
    expect(mail.text).toContain(`Hi ${name},`);
  });

  it('does not expand placeholders or nesting hidden in values', async () => {
    const name = '{{url}} $t(verify-email.subject)';
    const mail = await renderMail(message('verify-email', 'en', name));
    expect(mail.text).toContain(`Hi ${name},`);
  });

  it('greets without a name when the name is empty', async () => {
    const mail = await renderMail(message('password-changed', 'de', '  '));
    expect(mail.text.startsWith('Hallo,\n')).toBe(true);
  });

  it('says only the new time of a changed meeting when the old one is not known', async () => {
    const params: Record<string, string | undefined> = {
      ...paramsFor('meeting-changed'),
      changes: 'time'
    };
    delete params.oldWhen;
    const mail = await renderMail({
      template: 'meeting-changed',
      to: 'a@example.com',
      locale: 'de',
      params
    });
    expect(mail.text).toContain(`Neue Zeit: ${params.when ?? ''}\n`);
    expect(mail.text).not.toContain('Neuer Ort');
  });

  it('never puts an online link into announcements or cancellations', () => {
    for (const template of [
      'meeting-announce',
      'meeting-cancelled',
      'meeting-agenda',
      'meeting-feedback'
    ] as const) {
      const result = mailMessageSchema.safeParse({
        ...message(template, 'en'),
        params: { ...paramsFor(template), onlineUrl: ONLINE }
      });
      expect(result.success, template).toBe(false);
    }
  });

  it('checks attachments and the one-click unsubscribe URL', () => {
    const ok = {
      ...message('meeting-reminder', 'en'),
      attachments: [
        {
          filename: 'meeting.ics',
          contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
          content: 'BEGIN:VCALENDAR'
        }
      ],
      listUnsubscribe: 'https://guild.example.com/api/v1/unsubscribe?token=a.b'
    };
    expect(mailMessageSchema.safeParse(ok).success).toBe(true);
    const bad = (change: Record<string, unknown>) =>
      mailMessageSchema.safeParse({ ...ok, ...change }).success;
    expect(bad({ listUnsubscribe: 'mailto:x@example.com' })).toBe(false);
    expect(bad({ attachments: [{ ...ok.attachments[0], filename: '../../etc/passwd' }] })).toBe(
      false
    );
    expect(
      bad({ attachments: [{ ...ok.attachments[0], contentType: 'text/calendar\r\nBcc: x@y' }] })
    ).toBe(false);
  });

  it('rejects params that do not fit the template', async () => {
    await expect(
      renderMail({
        template: 'verify-email',
        to: 'ada@example.com',
        locale: 'en',
        params: { name: 'Ada' }
      })
    ).rejects.toThrow(/url/);
    await expect(
      renderMail({
        template: 'reset-password',
        to: 'ada@example.com',
        locale: 'en',
        params: { name: 'Ada', url: 'javascript:alert(1)' }
      })
    ).rejects.toThrow(/http/);
    expect(
      mailMessageSchema.safeParse({
        template: 'nope',
        to: 'ada@example.com',
        locale: 'en',
        params: {}
      }).success
    ).toBe(false);
    expect(
      mailMessageSchema.safeParse({ ...message('verify-email', 'en'), locale: 'fr' }).success
    ).toBe(false);
    expect(
      mailMessageSchema.safeParse({ ...message('verify-email', 'en'), to: 'not-an-address' })
        .success
    ).toBe(false);
  });

  for (const locale of LOCALES) {
    it(`renders a notification in ${locale} with its unsubscribe and settings links`, async () => {
      const mail = await renderMail(message('notification', locale));
      const section = (locale === 'de' ? de : en).notifications.immediate;
      expect(mail.subject).toBe('Grace mentioned you in “Rust & Pizza”');
      expect(mail.text).toContain('Grace mentioned you in “Rust & Pizza”\n\n“Any tips, @ada?”');
      expect(mail.text).toContain(`${section.action}:\n${URL_}\n`);
      expect(mail.text).toContain(`${section.unsubscribe}\n${UNSUBSCRIBE}\n`);
      expect(mail.text.endsWith(`${SETTINGS}\n`)).toBe(true);
      expect(mail.html).toContain(`href="${UNSUBSCRIBE}"`);
      expect(mail.html).toContain(`href="${SETTINGS}"`);
      expect(mail.html).toContain('Rust &amp; Pizza');
      for (const part of [mail.subject, mail.text, mail.html])
        expect(part).not.toMatch(/notifications\./);
    });

    it(`renders the weekly and daily digests in ${locale}`, async () => {
      const catalog = (locale === 'de' ? de : en).notifications.digest;
      for (const frequency of ['weekly', 'daily'] as const) {
        const base = message('notification-digest', locale);
        const mail = await renderMail({ ...base, params: { ...base.params, frequency } });
        expect(mail.subject).toBe(catalog[frequency].subject);
        expect(mail.text).toContain('Rust Berlin\n\nPosts:\n• Grace posted “Rust & Pizza”');
        expect(mail.text).toContain(`${catalog[frequency].unsubscribe}\n${UNSUBSCRIBE}\n`);
        expect(mail.html).toContain('white-space:pre-line;');
        for (const part of [mail.subject, mail.text, mail.html])
          expect(part).not.toMatch(/notifications\./);
      }
    });
  }

  it('sends a warning without an unsubscribe link, and a digest never without one', () => {
    const warning = message('notification', 'en');
    delete warning.params.unsubscribeUrl;
    expect(mailMessageSchema.safeParse(warning).success).toBe(true);
    const digest = message('notification-digest', 'en');
    delete digest.params.unsubscribeUrl;
    expect(mailMessageSchema.safeParse(digest).success).toBe(false);
  });
});
