import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { can } from '../../../domain/group-policy.ts';
import { type Agenda, agendaOf } from '../../../services/agenda.service.ts';
import { replaceAgenda } from '../../../services/agenda-replace.service.ts';
import { callerOf } from '../../caller.ts';
import type { AppContext } from '../../context.ts';
import { problemResponses } from '../../problem.ts';
import { type MeetingAccess, requireMeetingAccess } from '../events/event-access.ts';
import { talkProblem } from './talks.routes.ts';
import { agendaParams, agendaSchema, putAgendaBody } from './talks.schema.ts';

/** The wire shape of an agenda for one viewer. */
function agendaJson(agenda: Agenda, { meeting, group, viewer }: MeetingAccess) {
  return {
    ...agenda,
    viewer: { canEdit: can(viewer, group, 'agenda.manage') && meeting.status !== 'cancelled' }
  };
}

/**
 * A meeting's agenda: readable like the meeting; hosts and organizers set it as a whole, in
 * order. Talks land on it when accepted, topics when a voting round closes.
 */
export const agendaRoutes: FastifyPluginAsyncZod<AppContext> = async (app, { db }) => {
  const tags = ['agenda'];

  app.get(
    '/events/:id/agenda',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A meeting’s agenda',
        description:
          'Items in order with their talks, topics and moderators, and the timing against the meeting’s length (overMinutes > 0: it runs over). Readable like the meeting.',
        params: agendaParams,
        response: { 200: agendaSchema, ...problemResponses(404) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'event.read');
      return agendaJson(await agendaOf(db, access.meeting.id), access);
    }
  );

  app.put(
    '/events/:id/agenda',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Set a meeting’s agenda (hosts and organizers)',
        description:
          'Replaces the whole agenda in the given order: items with an id are kept and changed, others added, those left out removed. A talk item needs a talk accepted for this meeting, a topic item a topic of the group, a moderator an active member. A cancelled meeting’s agenda is read-only (409).',
        params: agendaParams,
        body: putAgendaBody,
        response: { 200: agendaSchema, ...problemResponses(400, 401, 403, 404, 409) }
      }
    },
    async (request) => {
      const access = await requireMeetingAccess(db, request, request.params.id, 'agenda.manage');
      const agenda = await replaceAgenda(
        db,
        access.group.id,
        access.meeting.id,
        callerOf(request).userId,
        request.body.items
      ).catch(talkProblem);
      return agendaJson(agenda, access);
    }
  );
};
