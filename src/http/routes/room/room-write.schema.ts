import { z } from 'zod';
import { ROOM_LIMITS } from '../../../domain/room.ts';
import { kudosViewSchema, questionViewSchema } from './room.schema.ts';

const id = z.string().min(1).max(100);

export const questionParams = z.object({ id });
export const handParams = z.object({ id });

export const askQuestionBody = z
  .strictObject({
    body: z
      .string()
      .trim()
      .min(1)
      .max(ROOM_LIMITS.question.max)
      .meta({ example: 'How do you test the migrations on both databases?' }),
    anonymous: z
      .boolean()
      .default(false)
      .meta({ description: 'Hide the author from everyone but themselves (hosts too)' })
  })
  .meta({ description: 'A question for the live Q&A' });

export const kudosBody = z
  .strictObject({
    toUserId: id
      .optional()
      .meta({ description: 'An active member of the group (or give toSpeakerId)' }),
    toSpeakerId: id.optional().meta({ description: 'A speaker of the group (or give toUserId)' }),
    message: z
      .string()
      .trim()
      .min(1)
      .max(ROOM_LIMITS.kudos.max)
      .meta({ example: 'Thanks for the clear demo!' })
  })
  .meta({ description: 'Thanks to exactly one recipient: a member or a speaker' });

export const questionListSchema = z
  .object({ items: z.array(questionViewSchema) })
  .meta({ id: 'QuestionList' });

export const kudosListSchema = z
  .object({ items: z.array(kudosViewSchema) })
  .meta({ id: 'KudosList' });

export const questionTopicSchema = z
  .object({ topicId: z.string().meta({ description: 'The new backlog topic (status open)' }) })
  .meta({ id: 'QuestionTopic' });

export const questionPostSchema = z
  .object({ postId: z.string().meta({ description: 'The new board post (a discussion)' }) })
  .meta({ id: 'QuestionPost' });
