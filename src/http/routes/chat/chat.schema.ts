import { z } from 'zod';

export const groupSlugParams = z.object({ groupSlug: z.string().min(1).max(100) });

export const linkTokenParams = z.object({ token: z.string().min(10).max(200) });

/**
 * The fields of a Slack slash-command request this API reads (the form carries more, such as
 * `command`, `response_url` and `trigger_id`; unknown fields are ignored).
 */
export const chatCommandBody = z
  .object({
    team_id: z.string().trim().min(1).max(64).meta({ example: 'T0001' }),
    user_id: z.string().trim().min(1).max(64).meta({ example: 'U2147483697' }),
    text: z
      .string()
      .max(2000)
      .default('')
      .meta({ description: '`topics`, `vote <n>`, `unvote <n>` or `help`', example: 'vote 2' }),
    command: z.string().max(100).optional().meta({ example: '/guildhall' })
  })
  .meta({ description: 'A Slack slash command (application/x-www-form-urlencoded)' });

/**
 * Documents the signature headers. Loose: Fastify replaces `request.headers` with the parsed
 * value, and a strict object would strip every other header (Origin included) for later hooks.
 */
export const chatCommandHeaders = z.looseObject({
  'x-slack-signature': z
    .string()
    .optional()
    .meta({ description: '`v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`' }),
  'x-slack-request-timestamp': z
    .string()
    .optional()
    .meta({ description: 'Unix seconds; more than 5 minutes away from now is refused' })
});

export const chatReplySchema = z
  .object({
    response_type: z.literal('ephemeral'),
    text: z.string().meta({ description: 'Slack mrkdwn, in the linked account’s language' })
  })
  .meta({ id: 'ChatReply', description: 'A reply only the person who typed the command sees' });

export const chatLinkSchema = z
  .object({
    group: z.object({ slug: z.string(), name: z.string() }),
    teamId: z.string(),
    chatUserId: z.string(),
    expiresAt: z.iso.datetime()
  })
  .meta({ id: 'ChatLink', description: 'The chat account a one-time link would tie to yours' });
