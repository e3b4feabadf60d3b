import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { parseJsonList, toDate } from '../../db/values.ts';
import { isTimeZone } from '../../domain/places.ts';
import { apiTranslator, type Locale } from '../../i18n/i18n.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { PermanentJobError } from '../../jobs/permanent-job-error.ts';
import { escapeSlack } from './chat-command.service.ts';

/** The job queue that posts a closed round's agenda to the group's chat. */
export const CHAT_WEBHOOK_QUEUE = 'chat-webhook';

/** The payload of a `chat-webhook` job. */
export const chatWebhookJobSchema = z.object({ roundId: z.string().min(1).max(100) });
export type ChatWebhookJob = z.infer<typeof chatWebhookJobSchema>;

/** How long the chat server gets to answer a post. */
export const CHAT_WEBHOOK_TIMEOUT_MS = 10_000;

/** A Slack-compatible incoming-webhook message: fallback `text` and layout `blocks`. */
export interface ChatMessage {
  text: string;
  blocks: ({ type: 'header'; text: { type: 'plain_text'; text: string } } | ChatSection)[];
}

interface ChatSection {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}

/** What an agenda message says. */
export interface AgendaPost {
  meeting: { id: string; title: string; startsAt: Date; endsAt: Date; timeZone: string };
  group: { slug: string; name: string };
  /** The picked topics' titles, in agenda order. */
  topics: string[];
}

/** Options of `postAgendaToChat`; all optional. */
export interface ChatWebhookOptions {
  /** The instance's public URL: the message then links to the meeting. */
  baseUrl?: string | undefined;
  /** Where failures are logged (the queue logs them too). */
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  /** The message language (the group has none of its own); default English. */
  locale?: Locale | undefined;
}

/** Whether a post ran: `skipped` when the group has no webhook or the round is not closed. */
export type AgendaPostResult = 'posted' | 'skipped';

/** Header blocks hold at most 150 characters of plain text. */
const HEADER_LIMIT = 150;

function formatRange(start: Date, end: Date, timeZone: string, locale: Locale): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit'
  });
  return `${format.formatRange(start, end)} (${zone})`;
}

/**
 * The Slack-compatible message announcing a meeting's agenda: a header with the meeting title, its
 * time in the meeting's zone, the picked topics as a numbered list, and (with `baseUrl`) a link
 * to the meeting. `text` is the same in one paragraph, for notifications and old clients.
 *
 * @example
 * buildAgendaMessage({ meeting, group, topics: ['Testing in prod', 'Monorepos'] }, 'en');
 * // { text: 'Agenda for …', blocks: [{ type: 'header', … }, …] }
 */
export function buildAgendaMessage(
  post: AgendaPost,
  locale: Locale = 'en',
  baseUrl?: string
): ChatMessage {
  const t = apiTranslator(locale);
  const { meeting, group } = post;
  const heading = t('chat.agenda.heading', { meeting: meeting.title });
  const when = formatRange(meeting.startsAt, meeting.endsAt, meeting.timeZone, locale);
  const list = post.topics.map((title, index) => `${index + 1}. ${escapeSlack(title)}`);
  const topicsText =
    list.length > 0
      ? `${t('chat.agenda.picked')}\n${list.join('\n')}`
      : t('chat.agenda.nonePicked');
  const url = baseUrl
    ? `${baseUrl}/groups/${encodeURIComponent(group.slug)}/events/${encodeURIComponent(meeting.id)}`
    : null;
  const blocks: ChatMessage['blocks'] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: heading.length > HEADER_LIMIT ? `${heading.slice(0, HEADER_LIMIT - 1)}…` : heading
      }
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${escapeSlack(when)}*\n${escapeSlack(t('chat.agenda.group', { group: group.name }))}`
      }
    },
    { type: 'section', text: { type: 'mrkdwn', text: topicsText } }
  ];
  if (url) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `<${url}|${escapeSlack(t('chat.agenda.open'))}>` }
    });
  }
  const fallback = [
    escapeSlack(`${heading} — ${when}`),
    list.length > 0 ? `${t('chat.agenda.picked')} ${list.join(', ')}` : t('chat.agenda.nonePicked'),
    url ?? ''
  ];
  return { text: fallback.filter(Boolean).join(' '), blocks };
}

/** The round's meeting, group, webhook and picked topics; null when there is nothing to post. */
async function loadAgendaPost(
  db: Db,
  roundId: string
): Promise<{ webhookUrl: string; post: AgendaPost } | null> {
  const row = await db.kysely
    .selectFrom('voting_rounds')
    .innerJoin('events', 'events.id', 'voting_rounds.event_id')
    .innerJoin('groups', 'groups.id', 'voting_rounds.group_id')
    .select([
      'voting_rounds.status',
      'voting_rounds.picked',
      'events.id as event_id',
      'events.title',
      'events.starts_at',
      'events.ends_at',
      'events.time_zone',
      'groups.slug',
      'groups.name',
      'groups.chat_webhook_url'
    ])
    .where('voting_rounds.id', '=', roundId)
    .executeTakeFirst();
  if (!row?.chat_webhook_url || row.status !== 'closed') return null;
  const picked = parseJsonList(row.picked);
  const topics =
    picked.length > 0
      ? await db.kysely
          .selectFrom('topics')
          .select(['id', 'title'])
          .where('id', 'in', picked)
          .execute()
      : [];
  const titles = new Map(topics.map((topic) => [topic.id, topic.title]));
  return {
    webhookUrl: row.chat_webhook_url,
    post: {
      meeting: {
        id: row.event_id,
        title: row.title,
        startsAt: toDate(row.starts_at),
        endsAt: toDate(row.ends_at),
        timeZone: row.time_zone
      },
      group: { slug: row.slug, name: row.name },
      topics: picked.flatMap((id) => {
        const title = titles.get(id);
        return title === undefined ? [] : [title];
      })
    }
  };
}

/**
 * Posts a closed round's agenda (meeting title, time in the meeting's zone, picked topics) to the
 * group's Slack-compatible incoming webhook, with a 10 s timeout. Does nothing (`skipped`) when
 * the group has no webhook URL or the round is not closed.
 *
 * Throws `PermanentJobError` when retrying cannot help: the URL is not http(s), the server answers
 * with a redirect or a 4xx (but 408 and 429, which are worth another try). Network errors,
 * timeouts and 5xx throw a plain `Error`, so the job queue retries with backoff.
 *
 * @example
 * await postAgendaToChat(db, roundId); // 'posted'
 */
export async function postAgendaToChat(
  db: Db,
  roundId: string,
  fetchImpl: typeof fetch = fetch,
  options: ChatWebhookOptions = {}
): Promise<AgendaPostResult> {
  const loaded = await loadAgendaPost(db, roundId);
  if (!loaded) return 'skipped';
  let url: URL;
  try {
    url = new URL(loaded.webhookUrl);
  } catch {
    throw new PermanentJobError(`chat webhook of round ${roundId} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PermanentJobError(`chat webhook of round ${roundId} is not an http(s) URL`);
  }
  const message = buildAgendaMessage(loaded.post, options.locale ?? 'en', options.baseUrl);
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(message),
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs ?? CHAT_WEBHOOK_TIMEOUT_MS)
  });
  // Only the status matters; reading the (small) body frees the connection.
  const answer = (await response.text().catch(() => '')).slice(0, 200);
  if (response.ok) return 'posted';
  const status = response.status;
  const detail = `chat webhook of round ${roundId} answered ${status}: ${answer}`;
  options.logger?.warn({ roundId, status, host: url.host }, 'chat webhook post failed');
  const transient = status >= 500 || status === 408 || status === 429;
  if (!transient) throw new PermanentJobError(detail);
  throw new Error(detail);
}

/**
 * The handler of the `chat-webhook` queue: payload `{ roundId }`. A malformed payload fails at
 * once; see `postAgendaToChat` for which failures are retried.
 */
export function chatWebhookJobHandler(
  db: Db,
  options: ChatWebhookOptions & { fetchImpl?: typeof fetch } = {}
): (payload: unknown) => Promise<void> {
  return async (payload) => {
    const parsed = chatWebhookJobSchema.safeParse(payload);
    if (!parsed.success) {
      throw new PermanentJobError(
        `Malformed chat-webhook job payload:\n${z.prettifyError(parsed.error)}`
      );
    }
    await postAgendaToChat(db, parsed.data.roundId, options.fetchImpl ?? fetch, options);
  };
}

/**
 * Registers the `chat-webhook` handler. Closing a round enqueues
 * `queue.enqueue(CHAT_WEBHOOK_QUEUE, { roundId })` so a slow or failing chat server never holds
 * up the close, and failures are retried by the queue.
 *
 * @example
 * registerChatJobs(queue, db, { baseUrl: config.baseUrl, logger });
 */
export function registerChatJobs(
  queue: JobQueue,
  db: Db,
  options: ChatWebhookOptions & { fetchImpl?: typeof fetch } = {}
): void {
  queue.work(CHAT_WEBHOOK_QUEUE, chatWebhookJobHandler(db, options));
}
