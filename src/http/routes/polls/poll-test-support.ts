// Helpers the poll integration tests share: requests as a token holder and the shapes they read.
import type { LightMyRequestResponse } from 'fastify';
import { apiTranslator } from '../../../i18n/i18n.ts';
import type { TestApp } from '../../../test/test-app.ts';

/** A poll as the tests read it off the wire. */
export interface WirePoll {
  id: string;
  groupId: string;
  eventId: string | null;
  question: string;
  choice: string;
  anonymous: boolean;
  results: string;
  status: string;
  closesAt: string | null;
  openedAt: string | null;
  closedAt: string | null;
  ballotCount: number;
  resultsVisible: boolean;
  createdBy: { id: string } | null;
  options: {
    id: string;
    label: string;
    votes: number | null;
    percent: number | null;
    voters: { id: string; displayName: string }[] | null;
  }[];
  my: { answered: boolean; optionIds: string[] | null } | null;
  viewer: { canManage: boolean; canAnswer: boolean };
}

/** A valid poll body, with `over` replacing fields. */
export function pollBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    question: 'Which day suits you?',
    options: ['Tuesday', 'Wednesday', 'Thursday'],
    choice: 'single',
    anonymous: false,
    results: 'live',
    ...over
  };
}

/** Requests of the poll API as the holder of `token` (none: anonymous). */
export function pollClient(t: TestApp) {
  return {
    create: (slug: string, token: string | undefined, body: Record<string, unknown>) =>
      t.request({
        method: 'POST',
        url: `/api/v1/groups/${slug}/polls`,
        ...(token ? { token } : {}),
        body
      }),
    get: (id: string, token?: string) =>
      t.request({ method: 'GET', url: `/api/v1/polls/${id}`, ...(token ? { token } : {}) }),
    list: (slug: string, token?: string, query = '') =>
      t.request({
        method: 'GET',
        url: `/api/v1/groups/${slug}/polls${query}`,
        ...(token ? { token } : {})
      }),
    action: (id: string, action: 'open' | 'close', token: string) =>
      t.request({ method: 'POST', url: `/api/v1/polls/${id}/${action}`, token }),
    ballot: (id: string, token: string | undefined, optionIds: string[]) =>
      t.request({
        method: 'POST',
        url: `/api/v1/polls/${id}/ballots`,
        ...(token ? { token } : {}),
        body: { optionIds }
      }),
    patch: (id: string, token: string, body: Record<string, unknown>) =>
      t.request({ method: 'PATCH', url: `/api/v1/polls/${id}`, token, body }),
    remove: (id: string, token: string) =>
      t.request({ method: 'DELETE', url: `/api/v1/polls/${id}`, token }),
    csv: (id: string, token?: string) =>
      t.request({
        method: 'GET',
        url: `/api/v1/polls/${id}/results.csv`,
        ...(token ? { token } : {})
      })
  };
}

/** The field errors of a 400 answer, as `field: message`. */
export function errorsOf(res: LightMyRequestResponse): string[] {
  return (
    res
      .json<{ errors?: { field: string; message: string }[] }>()
      .errors?.map((e) => `${e.field}: ${e.message}`) ?? [`${res.statusCode} ${res.body}`]
  );
}

/**
 * A 409 answer as `409 <key>`: the key whose English `problem.conflict.<key>` is its detail
 * (anything else shows the status and body).
 */
export function conflictOf(res: LightMyRequestResponse, key: string): string {
  const detail = res.json<{ detail?: string }>().detail;
  const english = apiTranslator('en')(`problem.conflict.${key}`);
  return detail === english ? `${res.statusCode} ${key}` : `${res.statusCode} ${res.body}`;
}

/** The English text of `validation.<key>` (the message a 400 answer gives for it). */
export function message(key: string): string {
  return apiTranslator('en')(`validation.${key}`);
}
