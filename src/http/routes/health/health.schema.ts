import { z } from 'zod';
import { TIERS } from '../../../domain/health.ts';

// The community health dashboard on the wire. The service returns these shapes (its types live in
// services/health/health-types.ts; the routes' response schemas check them at compile time); days are UTC `YYYY-MM-DD`, months `YYYY-MM`, weeks `YYYY-Www`.

const instant = z.iso.datetime();
const month = z.string().meta({ description: 'YYYY-MM (UTC)' });
const day = z.string().meta({ description: 'YYYY-MM-DD (UTC)' });
const tier = z.enum(TIERS);
const percent = z.number().meta({ description: 'Percent, one decimal' });

export const HEALTH_TABLES = [
  'members',
  'meetings',
  'topics',
  'talks',
  'participation',
  'quiet'
] as const;
export type HealthTable = (typeof HEALTH_TABLES)[number];

export const memberMonthSchema = z.object({
  month,
  joins: z.number().int(),
  leaves: z.number().int(),
  total: z.number().int().meta({ description: 'Active members at the end of the month' })
});

export const meetingMonthSchema = z.object({ month, meetings: z.number().int() });

export const healthMeetingSchema = z
  .object({
    eventId: z.string(),
    title: z.string(),
    startsAt: instant,
    timeZone: z.string(),
    capacity: z.number().int().nullable(),
    going: z.number().int(),
    checkedIn: z.number().int(),
    checkInUsed: z.boolean().meta({
      description: 'false: nobody was checked in, attendance is read from "going"'
    }),
    noShows: z.number().int().nullable().meta({ description: 'null without check-ins' }),
    noShowRate: percent.nullable(),
    waitlisted: z.number().int().meta({ description: 'Still on the waitlist when it began' }),
    newAttendees: z.number().int().meta({ description: 'Came for the first time' }),
    returningAttendees: z.number().int(),
    memberTalks: z.number().int().meta({ description: 'Talks given by members of the group' }),
    guestTalks: z.number().int().meta({ description: 'Talks by invited speakers' }),
    feedbackCount: z.number().int(),
    averageRating: z.number().nullable().meta({ description: '1–5, one decimal; null: no rating' })
  })
  .meta({ id: 'HealthMeeting' });

const trendSchema = z
  .object({
    slope: z.number().meta({ description: 'Change per meeting, in percentage points' }),
    direction: z.enum(['rising', 'falling', 'flat'])
  })
  .nullable()
  .meta({ description: 'Least-squares trend; null with fewer than three meetings with check-in' });

export const topicMonthSchema = z.object({
  month,
  proposed: z.number().int(),
  votesCast: z.number().int(),
  voters: z.number().int().meta({ description: 'Distinct members who voted that month' }),
  pollAnswers: z.number().int()
});

export const talkMonthSchema = z.object({
  month,
  memberTalks: z.number().int(),
  guestTalks: z.number().int()
});

export const tierCountSchema = z.object({
  tier,
  count: z.number().int(),
  percent,
  reference: z.number().meta({ description: 'The 90-9-1 reference share, in percent' })
});

export const tierMoveSchema = z.object({
  from: z.enum(['new', ...TIERS]).meta({ description: 'new: not a member in the previous window' }),
  to: tier,
  count: z.number().int()
});

export const participationSchema = z.object({
  windowDays: z.number().int(),
  from: day,
  to: day,
  tiers: z.array(tierCountSchema).meta({ description: 'audience, contributor, core' }),
  moves: z
    .array(tierMoveSchema)
    .meta({ description: 'Since the previous window, non-empty cells' }),
  left: z.number().int().meta({ description: 'Members of the previous window who have left' })
});

export const groupHealthSchema = z
  .object({
    groupId: z.string(),
    rolledUpAt: instant
      .nullable()
      .meta({ description: 'When the figures were last brought up to date' }),
    public: z.boolean().meta({ description: 'Whether the figures without names are public' }),
    members: z.object({ total: z.number().int(), months: z.array(memberMonthSchema) }),
    meetings: z.object({
      months: z.array(meetingMonthSchema).meta({ description: 'The last 12 months' }),
      items: z
        .array(healthMeetingSchema)
        .meta({ description: 'The last 24 meetings, oldest first' }),
      averageNoShowRate: percent.nullable(),
      noShowTrend: trendSchema
    }),
    topics: z.object({ months: z.array(topicMonthSchema) }),
    talks: z.object({ months: z.array(talkMonthSchema) }),
    participation: participationSchema,
    quiet: z.object({
      count: z
        .number()
        .int()
        .meta({ description: 'Members listed as gone quiet (opt-outs excluded)' }),
      quietDays: z.number().int()
    })
  })
  .meta({ id: 'GroupHealth' });

export const publicHealthSchema = z
  .object({
    groupId: z.string(),
    rolledUpAt: instant.nullable(),
    members: z.object({ total: z.number().int(), months: z.array(memberMonthSchema) }),
    meetings: z.object({
      months: z.array(meetingMonthSchema),
      averageAttendance: z.number().nullable().meta({ description: 'Per meeting, last 12 months' })
    })
  })
  .meta({ id: 'PublicGroupHealth' });

export const quietMemberSchema = z
  .object({
    userId: z.string(),
    handle: z.string(),
    name: z.string(),
    role: z.string(),
    attendedOfSix: z.number().int(),
    lastActiveOn: day.nullable(),
    lastContactedAt: instant.nullable()
  })
  .meta({ id: 'QuietMember' });

export const quietListSchema = z.object({
  quietDays: z.number().int(),
  items: z.array(quietMemberSchema)
});

export const OUTREACH_SUBJECT_MAX = 150;
export const OUTREACH_BODY_MAX = 5000;
/** An organizer writes to the same quiet member at most once in this many days. */
export { OUTREACH_EVERY_DAYS } from '../../../services/health/outreach.service.ts';

export const outreachBody = z.object({
  subject: z.string().trim().min(1, 'required').max(OUTREACH_SUBJECT_MAX, 'tooLong'),
  body: z.string().trim().min(1, 'required').max(OUTREACH_BODY_MAX, 'tooLong')
});

export const outreachSchema = z.object({ sentAt: instant });

export const healthSettingsBody = z
  .object({
    public: z.boolean().optional(),
    windowDays: z.number().int().min(30, 'tooSmall').max(730, 'tooLarge').optional(),
    quietDays: z.number().int().min(30, 'tooSmall').max(365, 'tooLarge').optional()
  })
  .strict();

export const healthSettingsSchema = z
  .object({ public: z.boolean(), windowDays: z.number().int(), quietDays: z.number().int() })
  .meta({ id: 'HealthSettings' });

export const instanceWeekSchema = z.object({
  week: z.string().meta({ description: 'ISO week, YYYY-Www' }),
  activeMembers: z.number().int()
});

export const instanceHealthSchema = z
  .object({
    rolledUpAt: instant.nullable(),
    groups: z.number().int(),
    members: z.number().int().meta({ description: 'Accounts' }),
    meetings: z.number().int().meta({ description: 'Meetings that have taken place' }),
    meetingsLast30Days: z.number().int(),
    weeks: z.array(instanceWeekSchema).meta({ description: 'The last 12 ISO weeks, oldest first' })
  })
  .meta({ id: 'InstanceHealth' });

export const healthCsvQuery = z.object({
  table: z.enum(HEALTH_TABLES, {
    error: (issue) => (issue.input === undefined ? 'required' : undefined)
  })
});

export const quietMemberParams = z.object({
  slug: z.string().max(100),
  userId: z.string().max(100)
});

/** What POST /admin/health/rollup did. */
export const rollupResultSchema = z
  .object({
    from: day.meta({ description: 'The earliest day recomputed' }),
    signals: z.number().int(),
    meetings: z.number().int(),
    members: z.number().int()
  })
  .meta({ id: 'HealthRollupResult' });
