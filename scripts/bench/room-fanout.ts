// The room fan-out of `npm run bench`: `clients` Server-Sent Event streams watch one running
// meeting's room (in a child process, scripts/bench/sse-clients.ts); `votes` members answer a live
// poll one after another, and each ballot's delay — from sending the vote to its arrival at every
// stream — is measured. The server's memory is read before and after the streams connect.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../../src/db/database.ts';
import { createToken } from '../../src/services/token.service.ts';
import { benchId, type GeneratedGroup, insertBenchMeeting } from './generate.ts';

export interface RoomFanout {
  clients: number;
  connected: number;
  votes: number;
  /** Deliveries measured (votes × clients when none was lost). */
  deliveries: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  connectMs: number;
  /** The server's resident memory (all its processes) before and after the streams connect. */
  rssBeforeMiB: number;
  rssAfterMiB: number;
}

/**
 * Runs the fan-out against `base`. `voterIds[i]` are members of `group`; the first becomes a
 * host who launches the poll.
 *
 * @example
 * const fanout = await roomFanout(db, base, group, voters, { clients: 2000, serverRssMiB: () => server.rssMiB() });
 */
export async function roomFanout(
  db: Db,
  base: string,
  group: GeneratedGroup,
  voterIds: readonly string[],
  options: { clients?: number; votes?: number; serverRssMiB: () => number }
): Promise<RoomFanout> {
  const clients = options.clients ?? 2000;
  const votes = Math.min(options.votes ?? 20, voterIds.length - 1);
  const [hostId, ...voters] = voterIds;
  if (!hostId || votes < 1) throw new Error('room fan-out: not enough members');
  const stamp = new Date().toISOString();
  const eventId = benchId(4, 2);
  await insertBenchMeeting(db, group, {
    id: eventId,
    title: 'Live room',
    description: 'Everyone watches the poll.',
    minutesFromNow: -10
  });
  await db.kysely
    .updateTable('memberships')
    .set({ role: 'host' })
    .where('group_id', '=', group.id)
    .where('user_id', '=', hostId)
    .execute();
  const chosen = voters.slice(0, votes);
  await db.kysely
    .insertInto('rsvps')
    .values(
      chosen.map((userId) => ({
        event_id: eventId,
        user_id: userId,
        status: 'going',
        check_in_code: randomUUID().slice(0, 8),
        created_at: stamp,
        updated_at: stamp
      }))
    )
    .execute();
  const token = async (userId: string) =>
    (await createToken(db, userId, { name: 'bench room', scope: 'write' })).secret;
  const hostToken = await token(hostId);
  const voterTokens = await Promise.all(chosen.map(token));

  const created = await fetch(`${base}/api/v1/groups/${group.slug}/polls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hostToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      question: 'In person or online next time?',
      options: ['In person', 'Online', 'Both'],
      choice: 'single',
      anonymous: true,
      results: 'live',
      eventId,
      open: true
    })
  });
  if (created.status !== 201) throw new Error(`room fan-out: poll answered ${created.status}`);
  const poll = (await created.json()) as { id: string; options: { id: string }[] };

  const before = options.serverRssMiB();
  const t0 = performance.now();
  const child = fork(path.join(import.meta.dirname, 'sse-clients.ts'), [
    `${base}/api/v1/events/${eventId}/room/stream`,
    String(clients)
  ]);
  const connected = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type: string; connected: number }) => {
      resolve(m.connected);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      reject(new Error(`SSE clients exited with ${code}`));
    });
  });
  const connectMs = Math.round(performance.now() - t0);
  const after = options.serverRssMiB();

  const sentAt: number[] = [];
  for (let i = 0; i < votes; i += 1) {
    const option = poll.options[i % poll.options.length];
    sentAt.push(performance.timeOrigin + performance.now());
    const res = await fetch(`${base}/api/v1/polls/${poll.id}/ballots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${voterTokens[i]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ optionIds: [option?.id] })
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`room fan-out: ballot answered ${res.status}`);
    // Let the fan-out finish before the next vote, so each delay is one vote's.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  child.send({ type: 'report' });
  const arrivals = await new Promise<Record<string, number[]>>((resolve) => {
    child.on('message', (m: { type: string; arrivals?: Record<string, number[]> }) => {
      if (m.type === 'report' && m.arrivals) resolve(m.arrivals);
    });
  });
  child.send({ type: 'stop' });

  const delays: number[] = [];
  let lost = 0;
  for (let i = 0; i < votes; i += 1) {
    const seen = arrivals[String(i + 1)] ?? [];
    lost += connected - seen.length;
    for (const at of seen) delays.push(at - (sentAt[i] ?? at));
  }
  delays.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(delays[Math.ceil(p * delays.length) - 1] ?? 0);
  return {
    clients,
    connected,
    votes,
    deliveries: delays.length,
    lost,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    maxMs: Math.round(delays.at(-1) ?? 0),
    connectMs,
    rssBeforeMiB: before,
    rssAfterMiB: after
  };
}
