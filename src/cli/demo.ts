import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { createJobQueue } from '../jobs/create-job-queue.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createAuth } from '../services/auth.ts';
import { updateProfile, type ProfileChanges } from '../services/profile.service.ts';

/** The demo's people. Later features add their groups, meetings and topics here. */
export const DEMO_PEOPLE: {
  email: string;
  name: string;
  admin: boolean;
  profile: ProfileChanges;
}[] = [
  {
    email: 'grace@demo.guildhall.test',
    name: 'Grace Hopper',
    admin: true,
    profile: {
      handle: 'grace',
      bio: 'Runs this instance. Ask me about **compilers** and good documentation.',
      city: 'Berlin',
      country: 'DE',
      timeZone: 'Europe/Berlin',
      language: 'en',
      tags: ['compilers', 'cobol', 'mentoring']
    }
  },
  {
    email: 'ada@demo.guildhall.test',
    name: 'Ada Lovelace',
    admin: false,
    profile: {
      handle: 'ada',
      bio: 'Organizer of the *Data Engineering* guild. Happy to review your pipeline design.',
      city: 'München',
      country: 'DE',
      timeZone: 'Europe/Berlin',
      language: 'de',
      tags: ['data-engineering', 'python', 'azure']
    }
  },
  {
    email: 'linus@demo.guildhall.test',
    name: 'Linus Torvalds',
    admin: false,
    profile: {
      handle: 'linus',
      bio: 'Platform engineer. Kubernetes, Linux and the occasional rant about YAML.',
      city: 'Portland',
      country: 'US',
      timeZone: 'America/Los_Angeles',
      language: 'en',
      tags: ['kubernetes', 'linux', 'devops']
    }
  }
];

/** The demo's shared password (it passes the password policy; never use it for real accounts). */
export const DEMO_PASSWORD = 'guildhall-demo-2026';

/**
 * Fills the database with demo accounts (idempotent: running it again resets their passwords and
 * profiles). Returns one "email / password" line per login.
 */
export async function seedDemo(config: Config, db: Db, logger: Logger): Promise<string[]> {
  const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
  const auth = createAuth({ config, db, queue, logger });
  const lines: string[] = [];
  try {
    for (const person of DEMO_PEOPLE) {
      const { id } = await upsertVerifiedAccount(auth, db, {
        email: person.email,
        name: person.name,
        password: DEMO_PASSWORD,
        admin: person.admin,
        ...(person.profile.language ? { language: person.profile.language } : {})
      });
      await updateProfile(db, id, person.profile);
      lines.push(`${person.email} / ${DEMO_PASSWORD}${person.admin ? '  (instance admin)' : ''}`);
    }
  } finally {
    await queue.stop();
  }
  return lines;
}
