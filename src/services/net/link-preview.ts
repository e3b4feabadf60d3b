// Link previews of board posts: a job fetches the post's link through the safe fetch and keeps
// the page's title and description (Open Graph first, then <title> and meta description).

import { Parser } from 'htmlparser2';
import type { Db } from '../../db/database.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { safeFetch, SafeFetchError } from './safe-fetch.ts';

/** The queue that fetches a post's link preview. */
export const LINK_PREVIEW_QUEUE = 'link-preview';

/** The most of a page read for a preview: its head is in there. */
export const PREVIEW_MAX_BYTES = 1024 * 1024;
export const PREVIEW_TITLE_MAX = 200;
export const PREVIEW_DESCRIPTION_MAX = 500;

/** Asks for the preview of a post's link (its row has `link_status = 'pending'`). */
export async function enqueueLinkPreview(queue: JobQueue, postId: string): Promise<void> {
  await queue.enqueue(LINK_PREVIEW_QUEUE, { postId }, { maxAttempts: 3 });
}

/** What a page says about itself. */
export interface PagePreview {
  title: string | null;
  description: string | null;
}

/** Collapses white space, trims and cuts to `max` characters (code points). */
function clean(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const text = value.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * The title and description of an HTML page: `og:title`, else `<title>`; `og:description`, else
 * `<meta name="description">`. Entities are decoded, white space collapsed, lengths capped
 * (200 and 500 characters).
 *
 * @example
 * parsePreview('<title>Hi &amp; bye</title>'); // { title: 'Hi & bye', description: null }
 */
export function parsePreview(html: string): PagePreview {
  const found: Record<'og:title' | 'og:description' | 'description' | 'title', string | undefined> =
    {
      'og:title': undefined,
      'og:description': undefined,
      description: undefined,
      title: undefined
    };
  let inTitle = false;
  let inSvg = 0;
  let titleText = '';
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'svg') inSvg += 1;
        if (name === 'title' && inSvg === 0 && found.title === undefined) {
          inTitle = true;
          titleText = '';
        }
        if (name === 'meta') {
          const key = (attribs.property ?? attribs.name ?? '').trim().toLowerCase();
          const content = attribs.content;
          if (
            content !== undefined &&
            (key === 'og:title' || key === 'og:description' || key === 'description') &&
            found[key] === undefined
          ) {
            found[key] = content;
          }
        }
      },
      ontext(text) {
        if (inTitle) titleText += text;
      },
      onclosetag(name) {
        if (name === 'svg' && inSvg > 0) inSvg -= 1;
        if (name === 'title' && inTitle) {
          inTitle = false;
          found.title = titleText;
        }
      }
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }
  );
  parser.write(html);
  parser.end();
  const title =
    clean(found['og:title'], PREVIEW_TITLE_MAX) ?? clean(found.title, PREVIEW_TITLE_MAX);
  const description =
    clean(found['og:description'], PREVIEW_DESCRIPTION_MAX) ??
    clean(found.description, PREVIEW_DESCRIPTION_MAX);
  return { title, description };
}

/** The page's text in its declared charset (header, then `<meta charset>`), UTF-8 by default. */
export function decodePage(body: Buffer, contentType: string | undefined): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const head = body.subarray(0, 2048).toString('latin1');
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? undefined;
  for (const label of [fromHeader, fromMeta, 'utf-8']) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(body);
    } catch {
      // an unknown label: try the next
    }
  }
  return body.toString('utf8');
}

/** What the preview job needs: the operator's allowlist, and timeouts for tests. */
export interface LinkPreviewDeps {
  allow?: readonly string[];
  timeoutMs?: number;
  /** Called with the reason a preview failed (for the log). */
  onFailure?: (postId: string, error: unknown) => void;
}

/**
 * Fetches the preview of post `postId`'s link and stores it: `link_status` becomes `ok` (title or
 * description found) or `failed` (refused address, timeout, bad status, not HTML, nothing found).
 * A bad page never throws. A post whose link changed meanwhile is left for its own job.
 */
export async function fetchLinkPreview(
  db: Db,
  postId: string,
  deps: LinkPreviewDeps = {}
): Promise<'ok' | 'failed' | 'skipped'> {
  const post = await db.kysely
    .selectFrom('posts')
    .select(['id', 'link_url'])
    .where('id', '=', postId)
    .executeTakeFirst();
  if (!post?.link_url) return 'skipped';
  let preview: PagePreview = { title: null, description: null };
  let status: 'ok' | 'failed' = 'failed';
  try {
    const res = await safeFetch(post.link_url, {
      allow: deps.allow ?? [],
      maxBytes: PREVIEW_MAX_BYTES,
      truncate: true,
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1' },
      ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {})
    });
    const type = (res.headers['content-type'] ?? 'text/html').toLowerCase();
    if (!/text\/html|application\/xhtml\+xml/.test(type)) {
      throw new SafeFetchError('bad_status', `not HTML: ${type}`);
    }
    preview = parsePreview(decodePage(res.body, type));
    if (preview.title !== null || preview.description !== null) status = 'ok';
  } catch (error) {
    deps.onFailure?.(postId, error);
  }
  await db.kysely
    .updateTable('posts')
    .set({
      link_title: preview.title,
      link_description: preview.description,
      link_status: status
    })
    .where('id', '=', postId)
    .where('link_url', '=', post.link_url)
    .execute();
  return status;
}

/** Registers the `link-preview` queue's handler. */
export function registerLinkPreviewJob(db: Db, queue: JobQueue, deps: LinkPreviewDeps = {}): void {
  queue.work(LINK_PREVIEW_QUEUE, async (payload) => {
    const postId = (payload as { postId?: unknown } | null)?.postId;
    if (typeof postId !== 'string') return;
    await fetchLinkPreview(db, postId, deps);
  });
}
