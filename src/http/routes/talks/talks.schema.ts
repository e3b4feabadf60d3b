import { z } from 'zod';
import { AGENDA_KINDS } from '../../../domain/agenda.ts';
import { TALK_LEVELS, TALK_STATUSES } from '../../../services/talk.service.ts';

export const TALK_TITLE_MAX = 140;
export const TALK_ABSTRACT_MAX = 10_000;
export const TALK_MINUTES_MIN = 5;
export const TALK_MINUTES_MAX = 240;
export const TALK_NOTE_MAX = 2000;
export const LINK_MAX = 500;
export const SPEAKER_NAME_MAX = 100;
export const SPEAKER_BIO_MAX = 5000;
export const SPEAKER_COMPANY_MAX = 100;
export const SPEAKER_CONTACT_MAX = 200;
export const AGENDA_ITEMS_MAX = 50;
export const AGENDA_TITLE_MAX = 140;
export const AGENDA_MINUTES_MAX = 600;

/** A missing choice reads "required", like any missing field (not "must be one of"). */
function requiredChoice(issue: { input?: unknown }): string | undefined {
  return issue.input === undefined ? 'required' : undefined;
}

const id = z.string().min(1).max(100);
const link = z
  .url({ protocol: /^https?$/ })
  .max(LINK_MAX)
  .nullable()
  .optional()
  .meta({ description: 'An http(s) link; null clears it' });

/** A person on the wire; null when the account is gone. */
export const personSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  handle: z.string()
});

// ---------------------------------------------------------------- talks

const talkFields = {
  title: z.string().trim().min(1).max(TALK_TITLE_MAX).meta({ example: 'Testing with fast-check' }),
  abstract: z
    .string()
    .max(TALK_ABSTRACT_MAX)
    .optional()
    .meta({ description: 'Markdown', example: 'Property-based testing in **TypeScript**.' }),
  durationMinutes: z.number().int().min(TALK_MINUTES_MIN).max(TALK_MINUTES_MAX),
  level: z.enum(TALK_LEVELS, { error: requiredChoice })
};

export const createTalkBody = z
  .strictObject({
    ...talkFields,
    speakerId: id.optional().meta({
      description: 'An invited speaker of the group (organizers only); default: yourself'
    }),
    eventId: id.optional().meta({
      description:
        'Accept it at once into this published meeting of the group (organizers only); default: proposed'
    })
  })
  .meta({ description: 'A talk proposal' });

export const updateTalkBody = z
  .strictObject({
    ...talkFields,
    slidesUrl: link,
    recordingUrl: link
  })
  .partial()
  .meta({
    description:
      'Only the fields to change. The submitter changes title, abstract, duration and level while the talk is proposed or kept for later, its links anytime'
  });

export const acceptTalkBody = z.strictObject({
  eventId: id.meta({ description: 'A published, not cancelled meeting of the group' })
});

export const decideTalkBody = z
  .strictObject({ note: z.string().trim().max(TALK_NOTE_MAX).nullable().optional() })
  .meta({ description: 'An optional note to the submitter' });

export const talkListQuery = z.strictObject({
  status: z
    .enum([...TALK_STATUSES, 'all'])
    .default('all')
    .meta({ description: 'Default: every talk the caller may see' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20)
});

export const talkParams = z.object({ slug: z.string().max(100), id: z.string().max(100) });

export const talkSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    abstract: z.string(),
    abstractHtml: z.string(),
    durationMinutes: z.number().int(),
    level: z.enum(TALK_LEVELS),
    status: z.enum(TALK_STATUSES),
    speaker: z.object({ id: z.string(), name: z.string(), company: z.string().nullable() }),
    event: z
      .object({
        id: z.string(),
        title: z.string(),
        startsAt: z.iso.datetime(),
        timeZone: z.string()
      })
      .nullable()
      .meta({ description: 'The meeting it was accepted into' }),
    slidesUrl: z.string().nullable(),
    recordingUrl: z.string().nullable(),
    decisionNote: z
      .string()
      .nullable()
      .meta({ description: 'For the submitter and those who decide; null for others' }),
    submittedBy: personSchema.nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    viewer: z.object({ canEdit: z.boolean(), canDecide: z.boolean(), canWithdraw: z.boolean() })
  })
  .meta({ id: 'Talk' });

export const talkListSchema = z
  .object({ items: z.array(talkSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TalkList' });

// ---------------------------------------------------------------- speakers

const speakerFields = {
  name: z.string().trim().min(1).max(SPEAKER_NAME_MAX).meta({ example: 'Grace Hopper' }),
  bio: z.string().max(SPEAKER_BIO_MAX).optional().meta({ description: 'Markdown' }),
  company: z.string().trim().max(SPEAKER_COMPANY_MAX).nullable().optional(),
  contact: z
    .string()
    .trim()
    .max(SPEAKER_CONTACT_MAX)
    .nullable()
    .optional()
    .meta({ description: 'How organizers reach the speaker; never shown to others' })
};

export const createSpeakerBody = z
  .strictObject(speakerFields)
  .meta({ description: 'An invited speaker (no account here)' });

export const updateSpeakerBody = z.strictObject(speakerFields).partial().meta({
  description:
    'Only the fields to change. A member changes bio and company of their own speaker entry; organizers change everything'
});

export const speakerParams = talkParams;

export const speakerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    bio: z.string(),
    bioHtml: z.string(),
    company: z.string().nullable(),
    member: personSchema.nullable(),
    invited: z.boolean(),
    contact: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'Only for those who manage speakers' }),
    talkCount: z.number().int().meta({ description: 'Accepted talks' })
  })
  .meta({ id: 'Speaker' });

export const speakerListSchema = z
  .object({ items: z.array(speakerSchema) })
  .meta({ id: 'SpeakerList' });

export const speakerDetailSchema = speakerSchema
  .extend({
    talks: z.array(talkSchema).meta({ description: 'Accepted talks, newest meeting first' })
  })
  .meta({ id: 'SpeakerDetail' });

// ---------------------------------------------------------------- agenda

const optionalRef = id.nullable().optional();

export const agendaItemInput = z.strictObject({
  id: id.optional().meta({ description: 'Keep this existing item (changed as given)' }),
  kind: z.enum(AGENDA_KINDS, { error: requiredChoice }),
  title: z.string().trim().min(1).max(AGENDA_TITLE_MAX),
  durationMinutes: z.number().int().min(1).max(AGENDA_MINUTES_MAX),
  talkId: optionalRef.meta({ description: 'Talk items: a talk accepted for this meeting' }),
  topicId: optionalRef.meta({ description: 'Topic items: a topic of the group' }),
  moderatorId: optionalRef.meta({ description: 'An active member who leads the item' })
});

export const putAgendaBody = z
  .strictObject({ items: z.array(agendaItemInput).max(AGENDA_ITEMS_MAX) })
  .meta({ description: 'The whole agenda in order; items left out are removed' });

export const agendaSchema = z
  .object({
    eventId: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        position: z.number().int(),
        kind: z.enum(AGENDA_KINDS),
        title: z.string(),
        durationMinutes: z.number().int(),
        talk: z
          .object({
            id: z.string(),
            title: z.string(),
            level: z.string(),
            speaker: z.object({ id: z.string(), name: z.string() })
          })
          .nullable(),
        topic: z.object({ id: z.string(), title: z.string() }).nullable(),
        moderator: personSchema.nullable(),
        fromRound: z.string().nullable().meta({ description: 'The voting round that put it here' })
      })
    ),
    timing: z.object({
      totalMinutes: z.number().int(),
      meetingMinutes: z.number().int(),
      overMinutes: z.number().int().meta({ description: 'More than 0: the agenda runs over' }),
      freeMinutes: z.number().int()
    }),
    viewer: z.object({ canEdit: z.boolean() })
  })
  .meta({ id: 'Agenda' });

export const agendaParams = z.object({ id: z.string().max(100) });
