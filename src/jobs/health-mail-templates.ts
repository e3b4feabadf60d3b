import { z } from 'zod';
import { LOCALES } from '../i18n/i18n.ts';

// The personal message an organizer writes to a member who has gone quiet. Its strings live under
// `health-outreach` in the mail catalogs; `renderMail` in mail-templates.ts renders it like every
// other mail, with the organizer's own words as a paragraph of plain text (escaped in HTML).

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const text = z.string().min(1);

/**
 * `health-outreach`: the organizer's subject and body (their own words, plain text), who wrote
 * (`senderName`) from which group, and the group's page (`url`). Replies go to the organizer
 * (`replyTo`, required); no attachments, no unsubscribe link (it is one person writing).
 */
export const healthOutreachMailSchema = z.object({
  template: z.literal('health-outreach'),
  to: z.email(),
  locale: z.enum(LOCALES),
  replyTo: z.email(),
  attachments: z.array(z.never()).max(0).optional(),
  listUnsubscribe: z.never().optional(),
  params: z.object({
    name: z.string(),
    url: httpUrl,
    groupName: text,
    senderName: text,
    // The API allows 150 and 5,000 characters; the mail job only guards against the absurd.
    subject: text.max(1000),
    body: text.max(20_000)
  })
});

/** The organizer's words as the paragraph after the intro (line breaks kept). */
export function healthOutreachParts(params: Record<string, string | undefined>): {
  notes: string[];
  details: [];
  unsubscribe: undefined;
} {
  const body = params.body?.trim();
  return { notes: body ? [body] : [], details: [], unsubscribe: undefined };
}
