import { expect, type Browser, type BrowserContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { newAccount, type Account } from './accounts.ts';
import { adminApi, createMember } from './admin.ts';
import { postGroup } from './groups.ts';
import { whoAmI } from './moderation.ts';
import { joinGroup, loggedInContext, postMeeting } from './practice.ts';
import { rsvpGoing } from './room.ts';
import { BASE_URL, DATA_DIR } from './server.ts';
import { SIGNED_IN_STATE } from './session.ts';

/** Unsafe API calls need the site's origin (CSRF check). */
const headers = { origin: BASE_URL };

/** How many days ago the seeded meetings took place, oldest first (all before a 90-day quiet). */
export const PAST_MEETINGS_DAYS_AGO = [150, 120, 100] as const;

export interface HealthGroup {
  slug: string;
  name: string;
  /** The owner (the signed-in account of `signed-in.setup.ts`). */
  owner: BrowserContext;
  /** Came to all three meetings, then nothing: on the gone-quiet list. */
  regular: { account: Account; context: BrowserContext; id: string; handle: string };
  /** A member who is not staff: was going to the first meeting and did not come. */
  member: { account: Account; context: BrowserContext };
}

/** Runs `write` against the e2e server's SQLite database (WAL: the server keeps running). */
function withDatabase(write: (db: Database.Database) => void): void {
  const db = new Database(path.join(DATA_DIR, 'guildhall.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.transaction(() => {
      write(db);
    })();
  } finally {
    db.close();
  }
}

/**
 * A group with a history: three meetings moved 150, 120 and 100 days into the past, a regular who
 * was checked in at all three and did nothing since (gone quiet after 90 days), and a member who
 * said "going" to the first and did not come (one no-show). The API has no way to hold meetings in
 * the past, so the dates are written into the server's database, as e2e/support/moderation.ts
 * does for posts. Figures are not brought up to date here: call `bringFiguresUpToDate`.
 */
export async function seedHealthGroup(browser: Browser, label: string): Promise<HealthGroup> {
  const id = randomUUID().slice(0, 8);
  const slug = `${label}-${id}`;
  const name = `Health ${label} ${id}`;
  const owner = await browser.newContext({ storageState: SIGNED_IN_STATE });
  await postGroup(owner.request, { slug, name, onlineOnly: true });

  const regularAccount = newAccount(`${label}-regular`);
  const memberAccount = newAccount(`${label}-member`);
  await createMember(regularAccount);
  await createMember(memberAccount);
  const regular = await loggedInContext(browser, regularAccount);
  const member = await loggedInContext(browser, memberAccount);
  await joinGroup(regular.request, slug);
  await joinGroup(member.request, slug);
  const regularMe = await whoAmI(regular.request);

  const meetings: string[] = [];
  for (let i = 0; i < PAST_MEETINGS_DAYS_AGO.length; i++) {
    const meetingId = await postMeeting(owner.request, slug, `Meetup ${i + 1} ${id}`, 10 + i);
    await rsvpGoing(regular.request, meetingId);
    if (i === 0) await rsvpGoing(member.request, meetingId);
    meetings.push(meetingId);
  }

  withDatabase((db) => {
    const day = 86_400_000;
    PAST_MEETINGS_DAYS_AGO.forEach((daysAgo, i) => {
      const startsAt = new Date(Date.now() - daysAgo * day);
      startsAt.setUTCHours(17, 30, 0, 0);
      const start = startsAt.toISOString();
      const end = new Date(startsAt.getTime() + 150 * 60_000).toISOString();
      const rsvped = new Date(startsAt.getTime() - 2 * day).toISOString();
      const checkedIn = new Date(startsAt.getTime() + 10 * 60_000).toISOString();
      const meetingId = meetings[i];
      db.prepare('update events set starts_at = ?, ends_at = ? where id = ?').run(
        start,
        end,
        meetingId
      );
      db.prepare('update rsvps set created_at = ?, updated_at = ? where event_id = ?').run(
        rsvped,
        rsvped,
        meetingId
      );
      db.prepare('update rsvps set checked_in_at = ? where event_id = ? and user_id = ?').run(
        checkedIn,
        meetingId,
        regularMe.id
      );
    });
    // The next rollup covers all history again (later runs only look two weeks back).
    db.prepare(`delete from health_state where key = 'signals_until'`).run();
  });

  return {
    slug,
    name,
    owner,
    regular: {
      account: regularAccount,
      context: regular,
      id: regularMe.id,
      handle: regularMe.handle
    },
    member: { account: memberAccount, context: member }
  };
}

/** Brings the health figures up to date now, as the instance admin (`admin.setup.ts`). */
export async function bringFiguresUpToDate(): Promise<void> {
  const api = await adminApi();
  const res = await api.post('/api/v1/admin/health/rollup', { headers });
  expect(res.status(), 'health rollup').toBeLessThan(300);
  await api.dispose();
}

/** Makes the group's figures public (organizers; through the API). */
export async function makeFiguresPublic(owner: BrowserContext, slug: string): Promise<void> {
  const res = await owner.request.patch(`/api/v1/groups/${slug}/health/settings`, {
    headers,
    data: { public: true }
  });
  expect(res.status(), 'health settings').toBe(200);
}
