import { describe, expect, it } from 'vitest';
import type { MailMessage } from './mail-message.ts';
import { mailMessageSchema, renderMail } from './mail-templates.ts';

const message = (over: Partial<MailMessage> = {}): MailMessage => ({
  template: 'health-outreach',
  to: 'ada@example.com',
  locale: 'en',
  replyTo: 'olga@example.com',
  params: {
    name: 'Ada',
    url: 'https://guild.example.com/groups/rust-berlin',
    groupName: 'Rust Berlin',
    senderName: 'Olga',
    subject: 'We miss you',
    body: 'Hi Ada,\n<b>come</b> back & {{name}} $t(layout.greeting)!'
  },
  ...over
});

describe('health-outreach mail', () => {
  it('carries the organizer’s words literally in text and escaped in HTML, with who wrote', async () => {
    const mail = await renderMail(message());
    expect(mail.subject).toBe('Rust Berlin: We miss you');
    expect(mail.text).toContain(
      'Olga from Rust Berlin wrote to you:\n\nHi Ada,\n<b>come</b> back & {{name}} $t(layout.greeting)!\n'
    );
    expect(mail.text).toContain('Olga wrote to you personally as an organizer of Rust Berlin');
    expect(mail.html).toContain('Hi Ada,\n&lt;b&gt;come&lt;/b&gt; back &amp; {{name}}');
    expect(mail.html).not.toContain('<b>come');
  });

  it('speaks German to German members', async () => {
    const mail = await renderMail(message({ locale: 'de' }));
    expect(mail.text).toContain('Hallo Ada,');
    expect(mail.text).toContain('Olga von Rust Berlin hat dir geschrieben:');
  });

  it('needs a Reply-To and the sender, and takes no unsubscribe link', () => {
    const { replyTo: _, ...withoutReplyTo } = message();
    expect(mailMessageSchema.safeParse(withoutReplyTo).success).toBe(false);
    const noSender = message();
    noSender.params = { ...noSender.params, senderName: '' };
    expect(mailMessageSchema.safeParse(noSender).success).toBe(false);
    expect(
      mailMessageSchema.safeParse(message({ listUnsubscribe: 'https://x.example/u' })).success
    ).toBe(false);
    expect(mailMessageSchema.parse(message())).toMatchObject({ replyTo: 'olga@example.com' });
  });
});
