import { z } from 'zod';
import { REPORT_SUBJECT_TYPES } from '../../../services/moderation/report-subject.service.ts';
import {
  REPORT_ACTIONS,
  REPORT_LIMITS,
  REPORT_REASONS
} from '../../../services/moderation/report.service.ts';
import { personSchema } from '../topics/topics.schema.ts';

export const REPORT_PAGE_MAX = 100;

const instant = z.iso.datetime();

/** A choice among `values` whose absence reads "required", not "must be one of". */
const choiceOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (issue) => (issue.input === undefined ? 'required' : undefined) });

export const createReportBody = z
  .strictObject({
    subjectType: choiceOf(REPORT_SUBJECT_TYPES),
    subjectId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: 'The post’s or comment’s id; for a profile the user id or handle' }),
    reason: choiceOf(REPORT_REASONS),
    details: z
      .string()
      .trim()
      .max(REPORT_LIMITS.details)
      .optional()
      .meta({ description: 'What is wrong (required when the reason is `other`)' })
  })
  .meta({ description: 'A report of a post, a comment or a profile' });

export const resolveReportBody = z
  .strictObject({
    action: choiceOf(REPORT_ACTIONS),
    note: z
      .string()
      .trim()
      .max(REPORT_LIMITS.note)
      .optional()
      .meta({ description: 'For the moderators’ record' }),
    message: z
      .string()
      .trim()
      .max(REPORT_LIMITS.message)
      .optional()
      .meta({ description: 'The warning the member gets (warn only; required there)' })
  })
  .meta({ description: 'A decision on a report; it closes every open report on the subject' });

export const reportParams = z.object({ id: z.string().max(100) });

export const reportListQuery = z.strictObject({
  status: z.enum(['open', 'closed']).optional().meta({ description: 'Default: open' }),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(REPORT_PAGE_MAX).optional()
});

export const adminReportListQuery = reportListQuery.extend({
  scope: z
    .enum(['profiles', 'all'])
    .optional()
    .meta({ description: 'profiles (default): the admins’ queue; all: every group’s too' })
});

/** A report as its reporter gets it back. */
export const reportSchema = z
  .object({
    id: z.string(),
    groupId: z.string().nullable(),
    subjectType: z.enum(REPORT_SUBJECT_TYPES),
    subjectId: z.string(),
    reason: z.enum(REPORT_REASONS),
    details: z.string(),
    status: z.enum(['open', 'resolved', 'dismissed']),
    createdAt: instant
  })
  .meta({ id: 'Report' });

export const queuedReportSchema = reportSchema
  .extend({
    group: z.object({ slug: z.string(), name: z.string() }).nullable(),
    subject: z
      .object({
        status: z.enum(['visible', 'hidden', 'removed']),
        title: z.string().nullable().meta({ description: 'A post’s title, a profile’s name' }),
        excerpt: z.string().meta({ description: 'Plain text, at most 200 characters' }),
        path: z.string().meta({ description: 'Site-relative path of its page' })
      })
      .nullable()
      .meta({ description: 'The subject as it is now; null when it is gone' }),
    author: personSchema.nullable(),
    reporter: personSchema.nullable(),
    otherOpenReports: z.number().int().meta({ description: 'Other open reports on the subject' }),
    resolution: z.enum(REPORT_ACTIONS).nullable(),
    resolutionNote: z.string().nullable(),
    resolvedBy: personSchema.nullable(),
    resolvedAt: instant.nullable(),
    actions: z.array(z.enum(REPORT_ACTIONS)).meta({ description: 'What may be decided now' }),
    canReopen: z.boolean().meta({ description: 'A dismissed or hidden report may open again' })
  })
  .meta({ id: 'QueuedReport' });

export const reportListSchema = z
  .object({ items: z.array(queuedReportSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ReportList' });

export const resolutionSchema = z
  .object({ closedReports: z.number().int() })
  .meta({ id: 'ReportResolution' });

export const reopenSchema = z
  .object({
    unhidden: z.boolean().meta({ description: 'Whether a hidden subject was shown again' })
  })
  .meta({ id: 'ReportReopened' });

export const publicProfileSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    handle: z.string(),
    bio: z.string(),
    bioHtml: z.string(),
    city: z.string().nullable(),
    tags: z.array(z.string()),
    groups: z.array(z.object({ slug: z.string(), name: z.string() })),
    openToWork: z
      .boolean()
      .optional()
      .meta({ description: 'Only to people who share an active group with them' }),
    viewer: z.object({ canReport: z.boolean(), isSelf: z.boolean() })
  })
  .meta({ id: 'PublicProfile' });

export const handleParams = z.object({ handle: z.string().max(100) });
