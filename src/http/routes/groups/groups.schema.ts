import { z } from 'zod';
import { coordinate } from '../places/coordinate.schema.ts';
import { ROLES } from '../../../domain/group-policy.ts';
import { isCountryCode, isTimeZone } from '../../../domain/places.ts';
import { TAG_MAX_LENGTH } from '../../../domain/tags.ts';
import { VOTING_LIMITS } from '../../../domain/voting.ts';

export const MAX_GROUP_TAGS = 15;
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$/;

const url = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .nullable();

/** The fields of a group an organizer sets. */
export const groupFields = z.strictObject({
  slug: z.string().trim().toLowerCase().regex(SLUG_PATTERN, { message: 'slugInvalid' }),
  name: z.string().trim().min(2).max(100),
  kind: z.enum(['meetup', 'practice']),
  description: z.string().max(10_000).optional(),
  tags: z
    .array(
      z
        .string()
        .max(TAG_MAX_LENGTH)
        .refine((t) => /[\p{L}\p{N}]/u.test(t), { message: 'tagInvalid' })
    )
    .max(MAX_GROUP_TAGS)
    .optional(),
  city: z.string().trim().max(100).nullable().optional(),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryCode, { message: 'countryInvalid' })
    .nullable()
    .optional(),
  latitude: coordinate(90).nullable().optional(),
  longitude: coordinate(180).nullable().optional(),
  onlineOnly: z.boolean().optional(),
  timeZone: z.string().refine(isTimeZone, { message: 'timeZoneInvalid' }),
  websiteUrl: url.optional(),
  chatUrl: url.optional(),
  codeOfConductUrl: url.optional(),
  visibility: z.enum(['public', 'private', 'hidden']),
  joinPolicy: z.enum(['open', 'approval', 'invitation']),
  joinQuestions: z.array(z.string().trim().min(1).max(300)).max(5).optional(),
  votesPerMember: z
    .int()
    .min(VOTING_LIMITS.votesPerMember.min)
    .max(VOTING_LIMITS.votesPerMember.max)
    .optional()
    .meta({ description: 'Dot votes each member has per voting round (default 3)' }),
  votesPerTopic: z
    .int()
    .min(VOTING_LIMITS.votesPerTopic.min)
    .max(VOTING_LIMITS.votesPerTopic.max)
    .optional()
    .meta({ description: 'At most this many of a member’s votes on one topic (default 1)' }),
  agendaTopics: z
    .int()
    .min(VOTING_LIMITS.agendaTopics.min)
    .max(VOTING_LIMITS.agendaTopics.max)
    .optional()
    .meta({ description: 'Top topics a closing round puts on the agenda (default 2)' }),
  tallyVisibility: z
    .enum(['live', 'hidden'])
    .optional()
    .meta({ description: 'Whether members see the tally while a round is open' }),
  chatWebhookUrl: url.optional().meta({
    description: 'Slack-compatible incoming webhook: the agenda is posted when a round closes'
  }),
  chatSigningSecret: z.string().trim().min(8).max(200).nullable().optional().meta({
    description:
      'Signing secret of the Slack-compatible app whose slash command calls /api/v1/chat/{slug}/commands (write-only)'
  })
});

const bothOrNeither = (v: {
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
}) =>
  (v.latitude === undefined) === (v.longitude === undefined) &&
  (v.latitude === null) === (v.longitude === null);

export const createGroupBody = groupFields
  .refine(bothOrNeither, { message: 'coordinatesPair', path: ['longitude'] })
  .refine((v) => (v.votesPerTopic ?? 1) <= (v.votesPerMember ?? 3), {
    message: 'votesPerTopicOverBudget',
    path: ['votesPerTopic']
  });
export const updateGroupBody = groupFields.partial().refine(bothOrNeither, {
  message: 'coordinatesPair',
  path: ['longitude']
});

/** A group's voting rules as members see them. */
export const practiceSchema = z
  .object({
    votesPerMember: z.int(),
    votesPerTopic: z.int(),
    agendaTopics: z.int(),
    tallyVisibility: z.enum(['live', 'hidden'])
  })
  .meta({ id: 'PracticeSettings' });

export const viewerSchema = z.object({
  role: z.enum(ROLES).nullable(),
  status: z.enum(['pending', 'active', 'banned']).nullable(),
  canJoin: z.boolean(),
  canManage: z.boolean(),
  canCreateEvents: z.boolean().meta({ description: 'Hosts, organizers, owner, admins' }),
  canManageVenues: z
    .boolean()
    .meta({ description: 'Venues and sponsors: organizers, owner, admins' }),
  canProposeTopics: z.boolean().meta({
    description: 'Propose, comment on and vote for topics; propose talks (active members)'
  }),
  canManageTopics: z.boolean().meta({
    description:
      'Merge and archive topics, run voting rounds, decide talks, add speakers (organizers, owner, admins)'
  }),
  settings: z
    .object({
      hiddenInDirectory: z.boolean(),
      meetingMail: z.enum(['all', 'going', 'none'])
    })
    .nullable()
    .meta({ description: "The viewer's own settings as a member (null when not a member)" })
});

/** An instance admin's takedown of a group ("hidden from this instance"), apart from `visibility`. */
export const adminHideSchema = z
  .object({
    at: z.iso.datetime().meta({ description: 'Since when the group is hidden' }),
    reason: z.string().meta({ description: 'Why, in the admin’s words' })
  })
  .meta({
    id: 'AdminHide',
    description:
      'An instance admin hid the group from this instance: only its active members and admins see it, nobody can join it, and its organizers cannot undo this.'
  });

/** What everyone who may see a group gets; members (and public groups) get `details` too. */
export const groupSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    kind: z.enum(['meetup', 'practice']),
    description: z.string(),
    descriptionHtml: z.string(),
    excerpt: z.string().meta({
      description: 'Plain text from the description, at most 200 characters, cut at a word with …'
    }),
    visibility: z.enum(['public', 'private', 'hidden']),
    joinPolicy: z.enum(['open', 'approval', 'invitation']),
    joinQuestions: z.array(z.string()),
    network: z
      .object({ slug: z.string(), name: z.string() })
      .nullable()
      .meta({ description: 'The network this group is a chapter of' }),
    hiddenByAdmin: adminHideSchema.nullable(),
    viewer: viewerSchema,
    chat: z.object({ webhook: z.boolean(), commands: z.boolean() }).nullable().meta({
      description:
        'Whether a chat webhook and a slash-command signing secret are set (organizers only, else null)'
    }),
    details: z
      .object({
        tags: z.array(z.string()),
        city: z.string().nullable(),
        country: z.string().nullable(),
        latitude: z.number().nullable(),
        longitude: z.number().nullable(),
        onlineOnly: z.boolean(),
        timeZone: z.string(),
        websiteUrl: z.string().nullable(),
        chatUrl: z.string().nullable(),
        codeOfConductUrl: z.string().nullable(),
        memberCount: z.number().int(),
        practice: practiceSchema,
        organizers: z.array(
          z.object({
            userId: z.string(),
            displayName: z.string(),
            handle: z.string(),
            role: z.enum(ROLES)
          })
        ),
        createdAt: z.iso.datetime()
      })
      .nullable()
      .meta({ description: 'null for people who may not see more than the name (private groups)' })
  })
  .meta({ id: 'Group' });

export const memberSchema = z
  .object({
    userId: z.string(),
    displayName: z.string(),
    handle: z.string(),
    tags: z.array(z.string()),
    city: z.string().nullable(),
    role: z.enum(ROLES),
    status: z.enum(['pending', 'active', 'banned']),
    answers: z.array(z.string()),
    joinedAt: z.iso.datetime()
  })
  .meta({ id: 'Member' });

export const slugParams = z.object({ slug: z.string().max(100) });
export const memberParams = z.object({ slug: z.string().max(100), userId: z.string().max(100) });

/** One entry of an audit log (a group's; the instance-wide log adds the group). */
export const auditSchema = z
  .object({
    id: z.string(),
    action: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    subjectUserId: z.string().nullable(),
    subjectName: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime()
  })
  .meta({ id: 'AuditEntry' });
