import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  applyUnsubscribe,
  describeUnsubscribe,
  UnsubscribeError
} from '../../../services/unsubscribe.service.ts';
import { clientIp } from '../../caller.ts';
import type { AppContext, Limit } from '../../context.ts';
import { fieldProblem, problemResponses } from '../../problem.ts';
import {
  unsubscribeBody,
  unsubscribePostQuery,
  unsubscribeQuery,
  unsubscribeSummary
} from './unsubscribe.schema.ts';

/**
 * Per client IP. One-click requests come from mail providers' servers, so several people's clicks
 * can share an address: generous, but a stop for anyone hammering the endpoint.
 */
export const UNSUBSCRIBE_LIMIT: Limit = { max: 60, windowMs: 60_000 };

/** The forms RFC 8058 mail clients send are tiny (`List-Unsubscribe=One-Click`). */
const FORM_LIMIT = 8 * 1024;

const DESCRIPTION =
  'Links in meeting mails carry a signed token naming a person, a kind of mail and a group; no log-in is needed. ' +
  'announce stops announcements of new meetings of the group (the membership mail setting becomes none, which also stops reminders); ' +
  'remind, changed and promoted stop that kind of mail for the group. Cancellations are always sent.';

/**
 * One-click unsubscribe from meeting mails (RFC 8058). Mails carry
 * `List-Unsubscribe: <…/api/v1/unsubscribe?token=…>` and `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click`; the visible link leads to the web page `/unsubscribe?token=…`,
 * which reads and applies the token through these routes. Public and rate limited.
 */
export const unsubscribeRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const { db, config, internalToken } = ctx;
  const tags = ['mail'];
  const rateLimit = {
    max: UNSUBSCRIBE_LIMIT.max,
    timeWindow: UNSUBSCRIBE_LIMIT.windowMs,
    keyGenerator: (request: Parameters<typeof clientIp>[0]) => clientIp(request, internalToken)
  };

  // Mail clients post a form (RFC 8058); these parsers only apply to the routes of this plugin.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    }
  );
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: FORM_LIMIT },
    (request, body, done) => {
      const fields = parseMultipart(Buffer.from(body), request.headers['content-type'] ?? '');
      if (fields) done(null, fields);
      else done(Object.assign(new Error('malformed multipart body'), { statusCode: 400 }));
    }
  );

  app.get(
    '/unsubscribe',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags,
        summary: 'What an unsubscribe link would stop',
        description: DESCRIPTION,
        security: [],
        querystring: unsubscribeQuery,
        response: { 200: unsubscribeSummary, ...problemResponses(400, 429) }
      }
    },
    async (request) => {
      try {
        return (await describeUnsubscribe(db, config.secret, request.query.token)).summary;
      } catch (error) {
        if (error instanceof UnsubscribeError)
          throw fieldProblem('token', 'unsubscribeTokenInvalid');
        throw error;
      }
    }
  );

  app.post(
    '/unsubscribe',
    {
      config: { access: 'public', rateLimit },
      schema: {
        tags,
        summary: 'Unsubscribe with one click',
        description: `${DESCRIPTION} The token comes in the query (the List-Unsubscribe URL) or in the body. Doing it twice is harmless.`,
        security: [],
        consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
        querystring: unsubscribePostQuery,
        body: unsubscribeBody,
        response: { 200: unsubscribeSummary, ...problemResponses(400, 415, 429) }
      }
    },
    async (request) => {
      const token = request.query.token ?? request.body.token;
      if (!token) throw fieldProblem('token', 'required');
      try {
        return await applyUnsubscribe(db, config.secret, token);
      } catch (error) {
        if (error instanceof UnsubscribeError)
          throw fieldProblem('token', 'unsubscribeTokenInvalid');
        throw error;
      }
    }
  );
};

/**
 * The text fields of a `multipart/form-data` body (RFC 7578), or null when it is malformed.
 * Enough for the one or two short fields a one-click request carries; files are ignored.
 */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string> | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return null;
  const text = body.toString('utf8');
  const delimiter = `--${boundary}`;
  if (!text.startsWith(delimiter) && !text.includes(`\r\n${delimiter}`)) return null;
  const fields: Record<string, string> = {};
  for (const part of text.split(delimiter).slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return null;
    const headers = part.slice(0, headerEnd);
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || /;\s*filename=/i.test(headers)) continue;
    fields[name] = part.slice(headerEnd + 4).replace(/\r\n$/, '');
  }
  return fields;
}
