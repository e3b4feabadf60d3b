import { z } from 'zod';
import { personSchema } from '../topics/topics.schema.ts';
import { POLL_CHOICES, POLL_LIMITS, POLL_RESULTS, POLL_STATUSES } from '../../../domain/poll.ts';

export const POLL_PAGE_MAX = 100;

const instant = z.iso.datetime();

const person = personSchema;

/** A choice among `values` whose absence reads "required", not "must be one of". */
const choiceOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? 'required' : undefined) });

export const pollSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    eventId: z.string().nullable().meta({ description: 'The meeting of a meeting poll' }),
    question: z.string(),
    choice: z.enum(POLL_CHOICES),
    anonymous: z.boolean().meta({ description: 'Who chose what is never stored' }),
    results: z.enum(POLL_RESULTS).meta({
      description: 'live: counts while open; closed: counts once closed (managers always)'
    }),
    status: z.enum(POLL_STATUSES).meta({ description: 'closed also once closesAt has passed' }),
    closesAt: instant.nullable(),
    openedAt: instant.nullable(),
    closedAt: instant.nullable(),
    createdAt: instant,
    createdBy: person.nullable().meta({ description: 'null when the account is gone' }),
    ballotCount: z.number().int(),
    resultsVisible: z.boolean(),
    options: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        votes: z.number().int().nullable().meta({ description: 'null while results are hidden' }),
        percent: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'Share of ballots, 0–100; null while results are hidden' }),
        voters: z.array(person).nullable().meta({
          description: 'Named polls with visible results only; always null for anonymous polls'
        })
      })
    ),
    my: z
      .object({
        answered: z.boolean(),
        optionIds: z
          .array(z.string())
          .nullable()
          .meta({ description: 'What the caller chose; null for anonymous polls' })
      })
      .nullable()
      .meta({ description: 'null for anonymous callers' }),
    viewer: z.object({ canManage: z.boolean(), canAnswer: z.boolean() })
  })
  .meta({ id: 'Poll' });

export const pollListSchema = z
  .object({ items: z.array(pollSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PollList' });

export const pollParams = z.object({ id: z.string().max(100) });

export const pollListQuery = z.strictObject({
  status: z.enum(POLL_STATUSES).optional(),
  eventId: z.string().min(1).max(100).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(POLL_PAGE_MAX).optional()
});

const pollFields = z.strictObject({
  question: z.string().trim().min(1).max(POLL_LIMITS.question.max),
  options: z
    .array(z.string().trim().min(1).max(POLL_LIMITS.option.max))
    .min(POLL_LIMITS.options.min)
    .max(POLL_LIMITS.options.max)
    .meta({ description: 'The options in order (distinct, ignoring case)' }),
  choice: choiceOf(POLL_CHOICES),
  anonymous: z.boolean(),
  results: choiceOf(POLL_RESULTS),
  closesAt: z.iso
    .datetime({ offset: true, message: 'invalidFormat' })
    .nullable()
    .optional()
    .meta({ description: 'When it closes by itself (ISO 8601 with offset, in the future)' })
});

export const createPollBody = pollFields
  .extend({
    eventId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'A meeting of this group: a meeting poll, launched in its room' }),
    open: z.boolean().optional().meta({ description: 'Launch at once (default: a draft)' })
  })
  .meta({ description: 'A new poll' });

export const updatePollBody = pollFields
  .partial()
  .meta({ description: 'Only the fields to change (drafts only)' });

export const ballotBody = z
  .strictObject({
    optionIds: z
      .array(z.string().max(100))
      .max(POLL_LIMITS.options.max)
      .meta({ description: 'One option (single choice) or several (multiple choice)' })
  })
  .meta({ description: 'A ballot: final once cast' });
