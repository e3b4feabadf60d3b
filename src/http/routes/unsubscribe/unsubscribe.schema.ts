import { z } from 'zod';
import { UNSUBSCRIBE_KINDS } from '../../../services/unsubscribe.service.ts';

const token = z.string().trim().min(1).max(2000).meta({
  description: 'The token from the link in a meeting mail',
  example: 'WyJ1c2VyLWlkIiwicmVtaW5kIiwiZ3JvdXAtaWQiXQ.3q2-7w'
});

/** `GET /unsubscribe?token=`: the token is required. */
export const unsubscribeQuery = z.object({ token });

/** `POST /unsubscribe?token=`: the token in the query (one-click) or in the body. */
export const unsubscribePostQuery = z.object({ token: token.optional() });

/**
 * The body of `POST /unsubscribe`: JSON `{ "token": "…" }` from the web page, or the form a mail
 * client sends for one-click unsubscribe (RFC 8058: `List-Unsubscribe=One-Click`, as
 * `application/x-www-form-urlencoded` or `multipart/form-data`). Other fields are ignored.
 */
export const unsubscribeBody = z
  .object({
    token: token.optional(),
    'List-Unsubscribe': z.string().max(100).optional().meta({ example: 'One-Click' })
  })
  .meta({ id: 'UnsubscribeRequest' });

export const unsubscribeSummary = z
  .object({
    kind: z.enum(UNSUBSCRIBE_KINDS).meta({
      description:
        'The kind of mail the link stops: announce (new meetings; also stops reminders), remind, changed or promoted. Cancellations are always sent.'
    }),
    groupName: z.string(),
    email: z
      .string()
      .meta({ description: 'The recipient, mostly hidden', example: 'a***@example.com' }),
    stopped: z.boolean().meta({ description: 'Whether that kind of mail is stopped already' })
  })
  .meta({ id: 'UnsubscribeSummary' });
