// What the room's write tests share: requests as a fixture person, the English texts of the
// messages they expect, and a look at the room's stored log.
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import en from '../i18n/locales/en/api.json' with { type: 'json' };
import type { RoomEvent } from '../services/room/room-event-types.ts';
import { roomEventsSince } from '../services/room/room-log.service.ts';
import type { RoomPerson } from './room-fixture.ts';
import type { TestApp } from './test-app.ts';

type Catalog = Record<string, unknown>;

/** The English text of an api.json key (`validation.required`), with `{{x}}` filled in. */
export function apiText(key: string, params: Record<string, string | number> = {}): string {
  let node: unknown = en;
  for (const part of key.split('.')) node = (node as Catalog)[part];
  if (typeof node !== 'string') throw new Error(`no text for ${key}`);
  return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** The field errors of a 400 answer as `field: text`. */
export function fieldErrorsOf(res: LightMyRequestResponse): string[] {
  expect(res.statusCode, res.body).toBe(400);
  return res
    .json<{ errors: { field: string; message: string }[] }>()
    .errors.map((e) => `${e.field}: ${e.message}`);
}

/** Expects a 409 with the conflict detail `key` (`problem.conflict.<key>`). */
export function expectConflict(res: LightMyRequestResponse, key: string): void {
  expect(res.statusCode, res.body).toBe(409);
  expect(res.json()).toMatchObject({
    type: 'urn:guildhall:problem:conflict',
    detail: apiText(`problem.conflict.${key}`)
  });
}

/** A request as `who` (with their write token), or anonymous. */
export function asPerson(t: TestApp) {
  return (
    who: RoomPerson | null,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown
  ): Promise<LightMyRequestResponse> =>
    t.request({
      method,
      url: `/api/v1${url}`,
      ...(who ? { token: who.token } : {}),
      ...(body !== undefined ? { body } : {})
    });
}

/** The room's stored log entries (kind and entry), oldest first. */
export async function roomLog(t: TestApp, eventId: string): Promise<RoomEvent[]> {
  return (await roomEventsSince(t.testDb.db, eventId, 0)).map((e) => e.event);
}

/** Waits a few milliseconds, so things made one after another get distinct times (the order's key). */
export function tick(ms = 3): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
