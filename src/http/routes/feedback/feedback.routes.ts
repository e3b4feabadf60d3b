import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../domain/group-policy.ts';
import {
  FeedbackError,
  type FeedbackWindow,
  feedbackWindow,
  findFeedback,
  meetingAttendees,
  ratableItems,
  saveFeedback
} from '../../../services/feedback/feedback.service.ts';
import {
  feedbackCsv,
  feedbackReport,
  talkFeedback,
  topicFromNextTime
} from '../../../services/feedback/feedback-report.service.ts';
import { getTalk } from '../../../services/talk.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { jsonDates } from '../../json-dates.ts';
import { fieldProblem, Problem, problemResponses } from '../../problem.ts';
import { requireMeetingAccess } from '../events/event-access.ts';
import { requireGroupAccess } from '../groups/group-access.ts';
import { talkVisible } from '../talks/talks.routes.ts';
import {
  feedbackBody,
  feedbackFormSchema,
  feedbackParams,
  feedbackReportSchema,
  feedbackSchema,
  feedbackTopicParams,
  talkFeedbackParams,
  talkFeedbackSchema,
  topicCreatedSchema
} from './feedback.schema.ts';

/** Maps a refused feedback change onto its problem response. */
function feedbackProblem(error: unknown): never {
  if (error instanceof FeedbackError) {
    if (error.field) throw fieldProblem(error.field, error.problem);
    if (error.problem === 'notFound') throw new Problem('not-found');
    throw new Problem('conflict', { detail: error.problem });
  }
  throw error;
}

/**
 * Feedback after a meeting. Attendees (checked in; going when nobody was checked in) who are
 * active members give it from the meeting's start until 30 days after its end; organizers
 * (`feedback.read`) read it with every author, export it and turn "next time" wishes into backlog
 * topics; a talk's speaker reads the feedback on their talk, without the names of those who asked
 * to stay anonymous.
 */
export const feedbackRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['feedback'];

  app.get(
    '/events/:id/feedback/form',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The feedback form of a meeting, with one’s own feedback',
        description:
          'For everyone logged in who may read the meeting (404 otherwise). `canGive` says whether the caller may give feedback now; `reason` why not.',
        params: feedbackParams,
        response: { 200: feedbackFormSchema, ...problemResponses(401, 404) }
      }
    },
    async (request) => {
      const { meeting, group, viewer } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'event.read'
      );
      const userId = callerOf(request).userId;
      const window = feedbackWindow(meeting);
      const attended =
        can(viewer, group, 'feedback.give') &&
        (await meetingAttendees(db, meeting.id)).includes(userId);
      const reason: FeedbackWindow | 'notAttended' | null =
        window ?? (attended ? null : 'notAttended');
      const items = await ratableItems(db, meeting.id);
      const mine = await findFeedback(db, meeting.id, userId);
      return {
        canGive: reason === null,
        reason,
        items: items.map(({ agendaItemId, kind, title, speaker }) => ({
          agendaItemId,
          kind,
          title,
          speaker
        })),
        mine: mine ? jsonDates(mine) : null
      };
    }
  );

  app.put(
    '/events/:id/feedback',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Give or change one’s feedback on a meeting (attendees)',
        description:
          'Replaces the caller’s earlier feedback. Only active members who attended (403), from the meeting’s start until 30 days after its end (409 `feedbackNotOpen`).',
        params: feedbackParams,
        body: feedbackBody,
        response: { 200: feedbackSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const { meeting } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'feedback.give'
      );
      const userId = callerOf(request).userId;
      if (!(await meetingAttendees(db, meeting.id)).includes(userId)) {
        throw new Problem('forbidden');
      }
      if (feedbackWindow(meeting) !== null) {
        throw new Problem('conflict', { detail: 'feedbackNotOpen' });
      }
      const saved = await saveFeedback(db, meeting.id, userId, request.body).catch(feedbackProblem);
      return jsonDates(saved);
    }
  );

  app.get(
    '/events/:id/feedback',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A meeting’s feedback, summed up (organizers)',
        description: 'Organizers see every author, also of comments marked anonymous.',
        params: feedbackParams,
        response: { 200: feedbackReportSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { meeting } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'feedback.read'
      );
      return feedbackReport(db, meeting);
    }
  );

  app.get(
    '/events/:id/feedback.csv',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'A meeting’s feedback ratings as CSV (organizers)',
        description:
          '`kind,title,count,average,rated1,…,rated5`: a row for the meeting (count = responses), then one per talk and topic (count = ratings).',
        params: feedbackParams,
        response: {
          200: z.string().meta({ description: 'RFC 4180 CSV (text/csv)' }),
          ...problemResponses(401, 403, 404)
        }
      }
    },
    async (request, reply) => {
      const { meeting } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'feedback.read'
      );
      const csv = feedbackCsv(await feedbackReport(db, meeting), meeting.title);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="feedback-${meeting.id}.csv"`)
        .header('cache-control', 'private, no-cache')
        .send(csv);
    }
  );

  app.post(
    '/events/:id/feedback/:feedbackId/topic',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Make a backlog topic of a “next time” wish (organizers)',
        description:
          'Proposed by the feedback’s author, in the meeting’s group; once per wish (409 `feedbackConverted`).',
        params: feedbackTopicParams,
        response: { 201: topicCreatedSchema, ...problemResponses(401, 403, 404, 409) }
      }
    },
    async (request, reply) => {
      const { meeting, group } = await requireMeetingAccess(
        db,
        request,
        request.params.id,
        'feedback.read'
      );
      const topicId = await topicFromNextTime(db, meeting, group, request.params.feedbackId).catch(
        feedbackProblem
      );
      return reply.code(201).send({ topicId });
    }
  );

  app.get(
    '/groups/:slug/talks/:id/feedback',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'The feedback on a talk (its speaker, and organizers)',
        description:
          'For the talk’s speaker while an active member (without the names of anonymous comments), and for organizers (with every name); 403 to others who may see the talk, 404 to those who may not.',
        params: talkFeedbackParams,
        response: { 200: talkFeedbackSchema, ...problemResponses(401, 403, 404) }
      }
    },
    async (request) => {
      const { group, viewer } = await requireGroupAccess(
        db,
        request,
        request.params.slug,
        'group.read'
      );
      const talk = await getTalk(db, group.id, request.params.id);
      if (!talk || !talkVisible(talk, viewer, group)) throw new Problem('not-found');
      const organizer = can(viewer, group, 'feedback.read');
      const speaker =
        viewer.userId !== null &&
        talk.speaker.userId === viewer.userId &&
        viewer.membership?.status === 'active';
      if (!organizer && !speaker) throw new Problem('forbidden');
      return talkFeedback(db, talk.id, !organizer);
    }
  );
};
