import { z } from 'zod';
import { POST_KINDS, POST_STATUSES } from '../../../services/board/post.service.ts';
import { REACTIONS } from '../../../services/board/reaction.service.ts';

export const BOARD_PAGE_MAX = 100;

/** How long a post's parts may be. */
export const POST_LIMITS = {
  title: { min: 3, max: 140 },
  body: { min: 1, max: 20_000 },
  link: { max: 2_000 },
  comment: { min: 1, max: 10_000 }
} as const;

const instant = z.iso.datetime();

/** A choice among `values` whose absence reads "required", not "must be one of". */
const choiceOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? 'required' : undefined) });

const reactionsSchema = z.array(
  z.object({
    reaction: z.enum(REACTIONS),
    count: z.number().int(),
    mine: z.boolean().meta({ description: 'Whether the caller gave this reaction' })
  })
);

const authorSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    handle: z.string(),
    openToWork: z.boolean().optional().meta({
      description: 'Only for callers who are active members of the post’s group'
    })
  })
  .nullable()
  .meta({ description: 'null when the account is gone or the words were removed' });

export const postSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    group: z.object({ slug: z.string(), name: z.string() }),
    kind: z.enum(POST_KINDS),
    title: z.string().meta({ description: 'Empty once removed' }),
    body: z.string().meta({ description: 'Markdown source; empty once removed' }),
    bodyHtml: z.string().meta({ description: 'Sanitized HTML rendered from body' }),
    link: z
      .object({
        url: z.string(),
        status: z.enum(['pending', 'ok', 'failed']),
        title: z.string().nullable().meta({ description: 'The page’s title once fetched (ok)' }),
        description: z.string().nullable()
      })
      .nullable(),
    status: z.enum(POST_STATUSES).meta({
      description: 'hidden: by moderators, shown only to them and the author'
    }),
    solvedAt: instant.nullable(),
    pinnedAt: instant.nullable(),
    expiresAt: instant.nullable().meta({ description: 'When a job lead leaves the board' }),
    expired: z.boolean(),
    commentCount: z.number().int(),
    createdAt: instant,
    editedAt: instant.nullable(),
    author: authorSchema,
    reactions: reactionsSchema,
    viewer: z.object({
      isAuthor: z.boolean(),
      canEdit: z.boolean(),
      canDelete: z.boolean(),
      canSolve: z.boolean(),
      canPin: z.boolean(),
      canComment: z.boolean(),
      canReact: z.boolean(),
      canReport: z.boolean()
    })
  })
  .meta({ id: 'Post' });

export const postListSchema = z
  .object({ items: z.array(postSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PostList' });

export const commentSchema = z
  .object({
    id: z.string(),
    postId: z.string(),
    parentId: z.string().nullable().meta({ description: 'The comment this replies to' }),
    status: z.enum(POST_STATUSES),
    body: z.string().meta({ description: 'Empty when removed, or hidden from the caller' }),
    bodyHtml: z.string(),
    author: authorSchema,
    createdAt: instant,
    editedAt: instant.nullable(),
    reactions: reactionsSchema,
    viewer: z.object({
      isAuthor: z.boolean(),
      canEdit: z.boolean(),
      canDelete: z.boolean(),
      canReply: z.boolean(),
      canReact: z.boolean(),
      canReport: z.boolean()
    })
  })
  .meta({ id: 'PostComment' });

export const commentListSchema = z
  .object({ items: z.array(commentSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PostCommentList' });

export const reactionSummarySchema = z
  .object({ reactions: reactionsSchema })
  .meta({ id: 'ReactionSummary' });

export const idParams = z.object({ id: z.string().max(100) });
export const reactionParams = z.object({
  id: z.string().max(100),
  reaction: z.enum(REACTIONS)
});

const pageQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(BOARD_PAGE_MAX).optional()
};

export const postListQuery = z.strictObject({
  kind: z.enum(POST_KINDS).optional(),
  includeExpired: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'Also list job leads past their expiry' }),
  ...pageQuery
});

export const pageOnlyQuery = z.strictObject(pageQuery);

const title = z.string().trim().min(POST_LIMITS.title.min).max(POST_LIMITS.title.max);
const body = z.string().trim().min(POST_LIMITS.body.min).max(POST_LIMITS.body.max);
const linkUrl = z
  .string()
  .trim()
  .max(POST_LIMITS.link.max)
  .pipe(z.url({ protocol: /^https?$/, message: 'invalidUrl' }))
  .nullable()
  .optional()
  .meta({ description: 'An http(s) link; its preview is fetched after posting' });

export const createPostBody = z
  .strictObject({ kind: choiceOf(POST_KINDS), title, body, linkUrl })
  .meta({ description: 'A new post (announcements: organizers and up)' });

export const updatePostBody = z
  .strictObject({ title: title.optional(), body: body.optional(), linkUrl })
  .meta({ description: 'Only the fields to change; `linkUrl: null` drops the link' });

export const createCommentBody = z
  .strictObject({
    body: z.string().trim().min(POST_LIMITS.comment.min).max(POST_LIMITS.comment.max),
    parentId: z
      .string()
      .max(100)
      .nullable()
      .optional()
      .meta({ description: 'A top-level comment of the same post (one level of replies)' })
  })
  .meta({ description: 'A comment, or a reply to one' });

export const updateCommentBody = z.strictObject({
  body: z.string().trim().min(POST_LIMITS.comment.min).max(POST_LIMITS.comment.max)
});
