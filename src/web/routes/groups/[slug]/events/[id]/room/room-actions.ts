// The room's form actions for the room itself, questions, hands and kudos: each calls the API and
// redirects back to the room (post/redirect/get), or returns the refusal for the form that sent it.
import { redirect } from '@sveltejs/kit';
import { translator } from '#lib/i18n.ts';
import type { Question } from '#lib/room-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { eventPath } from '#lib/server/meetings.ts';
import { backToRoom, questionApi, roomApi, type RoomDone } from './room-paths.ts';
import type { RequestEvent } from './$types';

/** What a host may do to a question, and what the page confirms afterwards. */
const MODERATION = {
  answered: 'answered',
  hide: 'hidden',
  reopen: 'reopened',
  topic: 'topic',
  post: 'posted',
  delete: 'deleted'
} as const satisfies Record<string, RoomDone>;
type Moderation = keyof typeof MODERATION;

function moderationOf(value: string): Moderation | null {
  return Object.hasOwn(MODERATION, value) ? (value as Moderation) : null;
}

/** A host opens the room (early) or closes it. */
function roomSwitch(to: 'open' | 'close') {
  return async (event: RequestEvent) => {
    requireMe(event);
    const result = await api(event, 'POST', `${roomApi(event.params.id)}/${to}`);
    if (!result.ok) return failed(event, result, [], { form: 'room' as const });
    redirect(303, backToRoom(event.params, to === 'open' ? 'opened' : 'closed', 'room-status'));
  };
}

export const openRoom = roomSwitch('open');
export const closeRoom = roomSwitch('close');

/** Asks a question, optionally without one's name. */
export const ask = async (event: RequestEvent) => {
  requireMe(event);
  const form = await event.request.formData();
  const body = text(form, 'body');
  const anonymous = text(form, 'anonymous') === 'on';
  const result = await api<Question>(event, 'POST', `${eventPath(event.params.id)}/questions`, {
    body,
    anonymous
  });
  if (!result.ok)
    return failed(event, result, ['body', 'anonymous'], { form: 'ask' as const, body, anonymous });
  redirect(303, backToRoom(event.params, 'asked', `question-${result.data.id}`));
};

/** One upvote more (`step=add`) or less (`step=remove`) on someone else's question. */
export const upvote = async (event: RequestEvent) => {
  requireMe(event);
  const form = await event.request.formData();
  const questionId = text(form, 'question');
  const method = text(form, 'step') === 'remove' ? 'DELETE' : 'POST';
  const result = await api(event, method, `${questionApi(questionId)}/upvote`);
  if (!result.ok) return failed(event, result, [], { form: 'question' as const, questionId });
  redirect(303, backToRoom(event.params, null, `question-${questionId}`));
};

/**
 * A host marks a question answered, hides it, opens it again, or makes a backlog topic or a board
 * post of it; its author deletes it.
 */
export const moderate = async (event: RequestEvent) => {
  requireMe(event);
  const form = await event.request.formData();
  const questionId = text(form, 'question');
  const op = moderationOf(text(form, 'op'));
  if (!op) return failed(event, badRequest(event), [], { form: 'question' as const, questionId });
  const path = questionApi(questionId);
  const result =
    op === 'delete'
      ? await api(event, 'DELETE', path)
      : await api(event, 'POST', `${path}/${op === 'answered' ? 'answered' : op}`);
  if (!result.ok) return failed(event, result, [], { form: 'question' as const, questionId });
  const anchor = op === 'delete' || op === 'hide' ? 'questions' : `question-${questionId}`;
  redirect(303, backToRoom(event.params, MODERATION[op], anchor));
};

/** Raises the caller's hand. */
export const raise = async (event: RequestEvent) => {
  requireMe(event);
  const result = await api(event, 'POST', `${eventPath(event.params.id)}/hands`);
  if (!result.ok) return failed(event, result, [], { form: 'hand' as const });
  redirect(303, backToRoom(event.params, 'raised', 'hands'));
};

/** Lowers the caller's own hand. */
export const lowerMine = async (event: RequestEvent) => {
  requireMe(event);
  const result = await api(event, 'DELETE', `${eventPath(event.params.id)}/hands/mine`);
  if (!result.ok) return failed(event, result, [], { form: 'hand' as const });
  redirect(303, backToRoom(event.params, 'lowered', 'hands'));
};

/** A host lowers someone's hand. */
export const lowerHand = async (event: RequestEvent) => {
  requireMe(event);
  const handId = text(await event.request.formData(), 'hand');
  const result = await api(event, 'POST', `/hands/${encodeURIComponent(handId)}/lower`);
  if (!result.ok) return failed(event, result, [], { form: 'hand' as const });
  redirect(303, backToRoom(event.params, 'handLowered', 'hands'));
};

/** Kudos to a member (`user:<id>`) or a speaker (`speaker:<id>`) of the group. */
export const kudos = async (event: RequestEvent) => {
  requireMe(event);
  const form = await event.request.formData();
  const recipient = text(form, 'recipient');
  const message = text(form, 'message');
  const [kind, id = ''] = recipient.split(':', 2);
  const to = kind === 'speaker' ? { toSpeakerId: id } : kind === 'user' ? { toUserId: id } : {};
  const result = await api(event, 'POST', `${eventPath(event.params.id)}/kudos`, {
    ...to,
    message
  });
  if (!result.ok) {
    const problem = {
      ...result.problem,
      errors: result.problem.errors?.map((e) =>
        e.field === 'toUserId' || e.field === 'toSpeakerId' || e.field === ''
          ? { ...e, field: 'recipient' }
          : e
      )
    };
    return failed(event, { status: result.status, problem }, ['recipient', 'message'], {
      form: 'kudos' as const,
      recipient,
      message
    });
  }
  redirect(303, backToRoom(event.params, 'kudos', 'kudos'));
};

/** A made-up 400 for a form that was not sent by the page (a tampered `op`). */
function badRequest(event: Pick<RequestEvent, 'locals'>) {
  const t = translator(event.locals.lang);
  return {
    status: 400,
    problem: { type: 'about:blank', title: t('errors.unexpectedTitle'), status: 400 }
  };
}
