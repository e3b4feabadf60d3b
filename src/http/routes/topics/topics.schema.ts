import { z } from 'zod';
import { TOPIC_STATUSES, TOPIC_WANTS, type TopicCursor } from '../../../services/topic.service.ts';

export const TOPIC_TITLE_MAX = 140;
export const TOPIC_DESCRIPTION_MAX = 10_000;
export const TOPIC_NOTES_MAX = 20_000;
export const TOPIC_LINKS_MAX = 20;
export const TOPIC_URL_MAX = 2000;
export const COMMENT_BODY_MAX = 5000;

const httpUrl = z.url({ protocol: /^https?$/ }).max(TOPIC_URL_MAX);

/** The fields of a topic its proposer sets. */
const topicFields = z.strictObject({
  title: z
    .string()
    .trim()
    .min(1)
    .max(TOPIC_TITLE_MAX)
    .meta({ example: 'How we run Postgres upgrades without downtime' }),
  description: z
    .string()
    .max(TOPIC_DESCRIPTION_MAX)
    .optional()
    .meta({ description: 'Markdown', example: 'We tried **pg_upgrade** and logical replication.' }),
  linkUrl: httpUrl
    .nullable()
    .optional()
    .meta({ description: 'An http(s) link; null clears it', example: 'https://example.org/post' }),
  wants: z
    // A missing choice is "required", not "must be one of" (zod reports both as invalid_value).
    .enum(TOPIC_WANTS, { error: (issue) => (issue.input === undefined ? 'required' : undefined) })
    .meta({
      description: 'present: the proposer can present it; explain: they want it explained'
    })
});

export const createTopicBody = topicFields.meta({ description: 'A new topic for the backlog' });

export const updateTopicBody = topicFields
  .partial()
  .meta({ description: 'Only the fields to change' });

export const archiveTopicBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .max(500)
      .optional()
      .meta({ description: 'Why it is archived (kept in the audit log)' })
  })
  .optional();

export const mergeTopicBody = z.strictObject({
  into: z
    .string()
    .min(1)
    .max(100)
    .meta({ description: 'The open topic of the same group this one duplicates' })
});

const linkSchema = z.strictObject({
  title: z.string().trim().min(1).max(TOPIC_TITLE_MAX),
  url: httpUrl
});

export const discussedTopicBody = z.strictObject({
  notes: z
    .string()
    .max(TOPIC_NOTES_MAX)
    .default('')
    .meta({ description: 'Markdown notes from the meeting; replaces earlier notes' }),
  links: z
    .array(linkSchema)
    .max(TOPIC_LINKS_MAX)
    .default([])
    .meta({ description: 'Slides, recordings, articles; replaces earlier links' })
});

export const commentBody = z.strictObject({
  body: z.string().trim().min(1).max(COMMENT_BODY_MAX).meta({ description: 'Markdown' })
});

export const personSchema = z
  .object({ id: z.string(), displayName: z.string(), handle: z.string() })
  .meta({ id: 'Person', description: 'An account as others see it' });

export const historyEntrySchema = z.object({
  roundId: z.string(),
  eventId: z.string(),
  eventTitle: z.string(),
  closedAt: z.iso.datetime(),
  votes: z.number().int(),
  rank: z.number().int().meta({ description: 'Among the topics that had votes in the round' }),
  picked: z.boolean()
});

export const topicSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    descriptionHtml: z.string(),
    linkUrl: z.string().nullable(),
    wants: z.enum(TOPIC_WANTS),
    status: z.enum(TOPIC_STATUSES),
    proposedBy: personSchema.nullable().meta({ description: 'null when the account is gone' }),
    event: z
      .object({
        id: z.string(),
        title: z.string(),
        startsAt: z.iso.datetime(),
        timeZone: z.string()
      })
      .nullable()
      .meta({ description: 'The meeting it is scheduled for or was discussed at' }),
    mergedInto: z.string().nullable(),
    notes: z.string(),
    notesHtml: z.string(),
    links: z.array(z.object({ title: z.string(), url: z.string() })),
    commentCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    votes: z.number().int().nullable().meta({
      description: 'Votes in the group’s open round; null without one or while its tally is hidden'
    }),
    myVotes: z.number().int().meta({ description: 'The caller’s dots on it in the open round' }),
    history: z
      .array(historyEntrySchema)
      .meta({ description: 'Closed rounds it stood in, newest first (detail only; [] in lists)' }),
    viewer: z.object({
      canEdit: z.boolean(),
      canWithdraw: z.boolean(),
      canManage: z.boolean(),
      canComment: z.boolean()
    })
  })
  .meta({ id: 'Topic' });

export const topicListSchema = z
  .object({ items: z.array(topicSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TopicList' });

export const commentSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    bodyHtml: z.string(),
    author: personSchema.nullable(),
    createdAt: z.iso.datetime(),
    canDelete: z.boolean()
  })
  .meta({ id: 'TopicComment' });

export const commentListSchema = z
  .object({ items: z.array(commentSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TopicCommentList' });

export const topicParams = z.object({ slug: z.string().max(100), id: z.string().max(100) });

export const commentParams = topicParams.extend({ commentId: z.string().max(100) });

/** A page boundary as the API hands it out: opaque base64url text. */
export function encodeTopicCursor(cursor: TopicCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.toISOString(), id: cursor.id })).toString(
    'base64url'
  );
}

function decodeTopicCursor(text: string): TopicCursor | null {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as {
      c?: unknown;
      id?: unknown;
    };
    if (typeof value.c === 'string' && typeof value.id === 'string') {
      const createdAt = new Date(value.c);
      if (!Number.isNaN(createdAt.getTime())) return { createdAt, id: value.id };
    }
  } catch {
    // not one of ours
  }
  return null;
}

const pageFields = {
  cursor: z
    .string()
    .max(200)
    .transform((text, ctx) => {
      const cursor = decodeTopicCursor(text);
      if (cursor) return cursor;
      ctx.addIssue({ code: 'custom', message: 'invalid' });
      return z.NEVER;
    })
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20)
};

export const topicListQuery = z.strictObject({
  status: z
    .enum([...TOPIC_STATUSES, 'all'])
    .default('open')
    .meta({ description: 'Open topics come oldest proposal first, all others newest first' }),
  ...pageFields
});

export const commentListQuery = z.strictObject(pageFields);
