import { z } from 'zod';
import { FEEDBACK_LIMITS, RATING } from '../../../domain/feedback.ts';
import { personSchema } from '../talks/talks.schema.ts';

/** At most this many agenda items in one feedback (an agenda holds at most 50). */
export const FEEDBACK_ITEMS_MAX = 50;

const rating = z
  .number()
  .int({ error: 'ratingRange' })
  .min(RATING.min, { error: 'ratingRange' })
  .max(RATING.max, { error: 'ratingRange' })
  .nullable()
  .meta({ description: '1 (poor) to 5 (great); null: no rating' });

const comment = z.string().max(FEEDBACK_LIMITS.comment.max).default('');

export const feedbackParams = z.object({ id: z.string().max(100) });
export const feedbackTopicParams = z.object({
  id: z.string().max(100),
  feedbackId: z.string().max(100)
});
export const talkFeedbackParams = z.object({
  slug: z.string().max(100),
  id: z.string().max(100)
});

/** One attendee's feedback, as they send it (replaces what they sent before). */
export const feedbackBody = z
  .strictObject({
    rating,
    comment,
    nextTime: z
      .string()
      .max(FEEDBACK_LIMITS.nextTime.max)
      .default('')
      .meta({ description: 'What they would like to talk about next time' }),
    items: z
      .array(
        z.strictObject({
          agendaItemId: z.string().min(1).max(100),
          rating,
          comment,
          anonymous: z
            .boolean()
            .default(false)
            .meta({ description: 'The speaker sees the comment without the author’s name' })
        })
      )
      .max(FEEDBACK_ITEMS_MAX)
      .default([])
  })
  .meta({ description: 'Feedback on a meeting and its talks and topics' });

const feedbackItemSchema = z.object({
  agendaItemId: z.string(),
  rating: z.number().int().nullable(),
  comment: z.string(),
  anonymous: z.boolean()
});

/** The caller's own feedback. */
export const feedbackSchema = z
  .object({
    id: z.string(),
    rating: z.number().int().nullable(),
    comment: z.string(),
    nextTime: z.string(),
    nextTimeTopicId: z.string().nullable(),
    items: z.array(feedbackItemSchema),
    createdAt: z.string(),
    updatedAt: z.string()
  })
  .meta({ id: 'Feedback' });

export const ratingSummarySchema = z
  .object({
    count: z.number().int(),
    average: z.number().nullable().meta({ description: 'Mean, one decimal; null without ratings' }),
    distribution: z
      .tuple([z.number(), z.number(), z.number(), z.number(), z.number()])
      .meta({ description: 'How many gave 1, 2, 3, 4 and 5' })
  })
  .meta({ id: 'RatingSummary' });

export const feedbackFormSchema = z
  .object({
    canGive: z.boolean(),
    reason: z.enum(['notAttended', 'notStarted', 'closed']).nullable(),
    items: z.array(
      z.object({
        agendaItemId: z.string(),
        kind: z.enum(['talk', 'topic']),
        title: z.string(),
        speaker: z.string().nullable()
      })
    ),
    mine: feedbackSchema.nullable()
  })
  .meta({ id: 'FeedbackForm' });

const commentSchema = z.object({ text: z.string(), author: personSchema.nullable() });

export const feedbackReportSchema = z
  .object({
    responses: z.number().int(),
    attendees: z.number().int(),
    rating: ratingSummarySchema,
    comments: z.array(commentSchema),
    nextTime: z.array(
      z.object({
        feedbackId: z.string(),
        text: z.string(),
        author: personSchema.nullable(),
        topicId: z.string().nullable()
      })
    ),
    items: z.array(
      z.object({
        agendaItemId: z.string(),
        kind: z.enum(['talk', 'topic']),
        title: z.string(),
        rating: ratingSummarySchema,
        comments: z.array(commentSchema.extend({ anonymous: z.boolean() }))
      })
    )
  })
  .meta({ id: 'FeedbackReport' });

export const talkFeedbackSchema = z
  .object({ rating: ratingSummarySchema, comments: z.array(commentSchema) })
  .meta({ id: 'TalkFeedback' });

export const topicCreatedSchema = z.object({ topicId: z.string() });
