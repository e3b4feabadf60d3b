// The form actions and loading shared by the moderation queues (a group's and the admins').
import { redirect, type RequestEvent } from '@sveltejs/kit';
import {
  QUEUE_DONE,
  QUEUE_STATUSES,
  type QueueStatus,
  type ReportPage
} from '#lib/report-types.ts';
import { api, failed, text } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import { notFound } from '#lib/server/meetings.ts';

/** The fields of a decision's form, as the API names them. */
const FIELDS = ['message', 'note', 'action'] as const;

type Event = Pick<RequestEvent, 'fetch' | 'locals' | 'url'>;

/**
 * One page of a queue from `path` (`/groups/x/reports` or `/admin/reports`) for the tab in the
 * URL. Those who may not work the queue get the 404 page, like for a page that does not exist.
 */
export async function loadQueue(
  event: Event,
  path: `/${string}`,
  extra: Record<string, string> = {}
) {
  requireMe(event);
  const given = event.url.searchParams.get('status');
  const status: QueueStatus = QUEUE_STATUSES.find((s) => s === given) ?? 'open';
  const search = new URLSearchParams({ status, limit: '50', ...extra });
  const cursor = event.url.searchParams.get('cursor');
  if (cursor) search.set('cursor', cursor);
  const result = await api<ReportPage>(event, 'GET', `${path}?${search.toString()}`);
  if (!result.ok) {
    if (result.status === 401) requireMe(event);
    notFound(event);
  }
  const done = event.url.searchParams.get('done');
  return {
    status,
    reports: result.data.items,
    next: result.data.nextCursor
      ? `?${new URLSearchParams({ status, ...extra, cursor: result.data.nextCursor }).toString()}`
      : null,
    done: QUEUE_DONE.find((d) => d === done) ?? null
  };
}

/** Back to the queue with a confirmation. */
function back(event: Event, done: (typeof QUEUE_DONE)[number], status: QueueStatus): never {
  const search = new URLSearchParams({ status, done });
  const scope = event.url.searchParams.get('scope');
  if (scope) search.set('scope', scope);
  redirect(303, `${event.url.pathname}?${search.toString()}`);
}

/** Decides a report: the pressed button names the action; warn carries the message. */
export async function resolveAction(event: Event & Pick<RequestEvent, 'request'>) {
  requireMe(event);
  const form = await event.request.formData();
  const reportId = text(form, 'reportId');
  const action = text(form, 'action');
  const values = { note: text(form, 'note'), message: text(form, 'message') };
  const result = await api(event, 'POST', `/reports/${encodeURIComponent(reportId)}/resolve`, {
    action,
    ...(values.note.trim() ? { note: values.note } : {}),
    ...(action === 'warn' ? { message: values.message } : {})
  });
  if (!result.ok) return failed(event, result, FIELDS, { reportId, values });
  back(event, QUEUE_DONE.find((d) => d === action) ?? 'dismiss', 'closed');
}

/** Opens a dismissed or hidden report again (a hidden subject shows again). */
export async function reopenAction(event: Event & Pick<RequestEvent, 'request'>) {
  requireMe(event);
  const form = await event.request.formData();
  const reportId = text(form, 'reportId');
  const result = await api(event, 'POST', `/reports/${encodeURIComponent(reportId)}/reopen`);
  if (!result.ok) {
    return failed(event, result, [], { reportId, values: { note: '', message: '' } });
  }
  back(event, 'reopen', 'open');
}
