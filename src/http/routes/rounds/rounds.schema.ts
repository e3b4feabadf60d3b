import { z } from 'zod';
import { VOTING_LIMITS } from '../../../domain/voting.ts';
import { dateTimeInput } from '../events/events.schema.ts';

export const ROUND_OVERRIDE_REASON_MAX = 500;
export const ROUND_OVERRIDE_TOPICS_MAX = 10;
export const ROUND_PAGE_MAX = 100;

const person = z
  .object({ id: z.string(), displayName: z.string(), handle: z.string() })
  .nullable()
  .meta({ description: 'null when the account is gone' });

export const tallyEntrySchema = z
  .object({
    topicId: z.string(),
    title: z.string(),
    votes: z.number().int(),
    rank: z.number().int().meta({ description: '1 for the most votes; ties split by the rule' }),
    picked: z.boolean().meta({
      description:
        'Closed: on the agenda by this round. Open: would be picked if the round closed now.'
    })
  })
  .meta({ id: 'TallyEntry' });

const myVotesSchema = z
  .object({
    votes: z.record(z.string(), z.number().int()).meta({ description: 'Dots by topic id' }),
    left: z.number().int()
  })
  .nullable()
  .meta({ description: "The caller's dots and how many are left; null for non-members" });

export const roundSchema = z
  .object({
    id: z.string(),
    event: z.object({
      id: z.string(),
      title: z.string(),
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime(),
      timeZone: z.string()
    }),
    status: z.enum(['open', 'closed']),
    opensAt: z.iso.datetime(),
    closesAt: z.iso.datetime(),
    rules: z.object({
      votesPerMember: z.number().int(),
      votesPerTopic: z.number().int(),
      agendaTopics: z.number().int(),
      tally: z.enum(['live', 'hidden'])
    }),
    tieRule: z.literal('votesThenEarlierProposal').meta({
      description: 'More votes first; on a tie the earlier proposal; on the same instant the id'
    }),
    tally: z.array(tallyEntrySchema).nullable().meta({
      description: 'Ranked by the rule; null while the tally is hidden and the round open'
    }),
    picked: z.array(z.string()).meta({ description: 'Picked topic ids in agenda order' }),
    override: z.object({ reason: z.string(), by: person, at: z.iso.datetime() }).nullable(),
    voters: z.number().int(),
    closedAt: z.iso.datetime().nullable(),
    my: myVotesSchema,
    viewer: z.object({ canVote: z.boolean(), canManage: z.boolean() })
  })
  .meta({ id: 'Round' });

export const roundListSchema = z
  .object({ items: z.array(roundSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'RoundList' });

export const roundTallySchema = z
  .object({
    roundId: z.string(),
    status: z.enum(['open', 'closed']),
    closed: z.boolean(),
    voters: z.number().int(),
    tally: z.array(tallyEntrySchema).nullable(),
    my: myVotesSchema
  })
  .meta({
    id: 'RoundTally',
    description:
      'The tally after a vote, with the caller’s own dots (the stream sends the same without `my`).'
  });

export const roundParams = z.object({ id: z.string().max(100) });
export const voteParams = z.object({ id: z.string().max(100), topicId: z.string().max(100) });

export const roundListQuery = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(ROUND_PAGE_MAX).optional()
});

export const openRoundBody = z
  .strictObject({
    eventId: z.string().min(1).max(100).meta({
      description: 'A published meeting of the group that has not started and has no round'
    }),
    closesAt: dateTimeInput.optional().meta({
      description:
        "When voting ends: after now and no later than the meeting's start. Default: the series' votingClosesHours (else 24 hours) before the start, or the start when that has passed. A time without offset is read in the meeting's zone."
    })
  })
  .meta({ description: 'Opens a voting round for a meeting' });

export const voteBody = z
  .strictObject({
    count: z
      .number()
      .int()
      .min(0)
      .max(VOTING_LIMITS.votesPerTopic.max)
      .meta({ description: 'Your dots on this topic (0 takes them back)' })
  })
  .meta({ description: 'Sets your dots on one topic' });

export const overrideBody = z
  .strictObject({
    topicIds: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(ROUND_OVERRIDE_TOPICS_MAX)
      .meta({ description: 'The topics for the agenda, in order' }),
    reason: z.string().trim().min(1).max(ROUND_OVERRIDE_REASON_MAX)
  })
  .meta({ description: 'Replaces the pick of a closed round' });
