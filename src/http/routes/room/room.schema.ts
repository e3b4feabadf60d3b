import { z } from 'zod';
import { POLL_CHOICES, POLL_RESULTS, POLL_STATUSES } from '../../../domain/poll.ts';

export const roomParams = z.object({ id: z.string().min(1).max(100) });

const instant = z.iso.datetime();

export const roomStatusSchema = z
  .object({
    openedAt: instant.nullable().meta({ description: 'When a host opened the room (early)' }),
    openedBy: z.string().nullable(),
    closedAt: instant.nullable().meta({ description: 'When a host closed the room' }),
    closedBy: z.string().nullable()
  })
  .meta({ id: 'RoomStatus' });

export const questionViewSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    author: z.object({ id: z.string(), name: z.string() }).nullable().meta({
      description: 'null for an anonymous question (except to its author) or a gone account'
    }),
    anonymous: z.boolean(),
    mine: z.boolean(),
    status: z.enum(['open', 'answered', 'hidden']),
    upvotes: z.number().int(),
    topicId: z.string().nullable().meta({ description: 'The backlog topic a host made of it' }),
    postId: z.string().nullable().meta({ description: 'The board post a host made of it' }),
    createdAt: instant,
    answeredAt: instant.nullable()
  })
  .meta({ id: 'Question' });

export const handViewSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    userName: z.string(),
    raisedAt: instant,
    loweredAt: instant.nullable(),
    loweredBy: z.string().nullable(),
    mine: z.boolean()
  })
  .meta({ id: 'Hand' });

export const roomPollSchema = z
  .object({
    id: z.string(),
    question: z.string(),
    choice: z.enum(POLL_CHOICES),
    anonymous: z.boolean(),
    results: z.enum(POLL_RESULTS),
    status: z.enum(POLL_STATUSES),
    closesAt: instant.nullable(),
    openedAt: instant.nullable(),
    closedAt: instant.nullable(),
    ballotCount: z.number().int(),
    resultsVisible: z.boolean(),
    options: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        votes: z.number().int().nullable().meta({ description: 'null while results are not shown' })
      })
    )
  })
  .meta({ id: 'RoomPoll' });

export const kudosViewSchema = z
  .object({
    id: z.string(),
    fromId: z.string().nullable(),
    fromName: z.string().nullable(),
    toUserId: z.string().nullable(),
    toSpeakerId: z.string().nullable(),
    toName: z.string(),
    message: z.string(),
    createdAt: instant
  })
  .meta({ id: 'Kudos' });

export const roomViewSchema = z
  .object({
    seq: z.number().int().meta({
      description: 'The last room event this view contains: stream with Last-Event-ID set to it'
    }),
    state: z.enum(['waiting', 'open', 'ended']),
    startsAt: instant,
    endsAt: instant,
    timeZone: z.string(),
    room: roomStatusSchema,
    questions: z.array(questionViewSchema).meta({
      description:
        'Open first, then answered; by upvotes, then the earlier question. Hidden ones only for hosts.'
    }),
    hands: z.array(handViewSchema).meta({
      description: 'Raised hands in the order raised: all for hosts, the caller’s own for others'
    }),
    polls: z.array(roomPollSchema).meta({ description: 'Launched meeting polls, newest first' }),
    kudos: z.array(kudosViewSchema).meta({ description: 'Newest first' }),
    viewer: z.object({
      canJoin: z
        .boolean()
        .meta({ description: 'May ask, upvote, raise a hand, give kudos, answer' }),
      canHost: z.boolean()
    }),
    my: z.object({
      upvoted: z.array(z.string()).meta({ description: 'Question ids the caller upvoted' }),
      answeredPolls: z.array(z.string()).meta({ description: 'Poll ids the caller answered' })
    })
  })
  .meta({ id: 'Room' });

export const streamQuery = z.object({
  lastEventId: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'Like the Last-Event-ID header, for clients that cannot set it' })
});
