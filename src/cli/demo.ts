import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { createJobQueue } from '../jobs/create-job-queue.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createAuth } from '../services/auth.ts';
import type { Role } from '../domain/group-policy.ts';
import { createGroup, findGroupBySlug, type GroupInput } from '../services/group.service.ts';
import { updateProfile, type ProfileChanges } from '../services/profile.service.ts';
import { createNetwork, findNetwork, setChapter } from '../services/network.service.ts';

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

/** A demo group: who owns it, who else is in it and with which role. */
interface DemoGroup {
  input: GroupInput;
  owner: string;
  members: [handle: string, role: Role][];
}

/** A dozen groups in several cities and both kinds, with members and roles. */
export const DEMO_GROUPS: DemoGroup[] = [
  [
    'azure-munich',
    'Azure Meetup Munich',
    'meetup',
    'München',
    'DE',
    48.137,
    11.575,
    'Europe/Berlin',
    ['azure', 'devops', 'cloud'],
    'ada'
  ],
  [
    'azure-hamburg',
    'Azure Meetup Hamburg',
    'meetup',
    'Hamburg',
    'DE',
    53.551,
    9.994,
    'Europe/Berlin',
    ['azure', 'cloud'],
    'grace'
  ],
  [
    'azure-berlin',
    'Azure Meetup Berlin',
    'meetup',
    'Berlin',
    'DE',
    52.52,
    13.405,
    'Europe/Berlin',
    ['azure', 'kubernetes'],
    'grace'
  ],
  [
    'toronto-windows-server',
    'Toronto Windows Server User Group',
    'meetup',
    'Toronto',
    'CA',
    43.653,
    -79.383,
    'America/Toronto',
    ['windows-server', 'powershell', 'active-directory'],
    'linus'
  ],
  [
    'kubernetes-portland',
    'Kubernetes Portland',
    'meetup',
    'Portland',
    'US',
    45.515,
    -122.679,
    'America/Los_Angeles',
    ['kubernetes', 'linux', 'devops'],
    'linus'
  ],
  [
    'rust-vienna',
    'Rust Vienna',
    'meetup',
    'Wien',
    'AT',
    48.208,
    16.373,
    'Europe/Vienna',
    ['rust', 'systems-programming'],
    'linus'
  ],
  [
    'python-zurich',
    'Python Zürich',
    'meetup',
    'Zürich',
    'CH',
    47.377,
    8.541,
    'Europe/Zurich',
    ['python', 'data-engineering'],
    'ada'
  ],
  [
    'data-engineering-guild',
    'Data Engineering Guild',
    'practice',
    null,
    null,
    null,
    null,
    'Europe/Berlin',
    ['data-engineering', 'python', 'spark'],
    'ada'
  ],
  [
    'devops-cloud-cop',
    'DevOps & Cloud Engineering CoP',
    'practice',
    'München',
    'DE',
    48.137,
    11.575,
    'Europe/Berlin',
    ['devops', 'cloud', 'terraform'],
    'grace'
  ],
  [
    'frontend-guild',
    'Frontend Guild',
    'practice',
    null,
    null,
    null,
    null,
    'Europe/Berlin',
    ['javascript', 'accessibility', 'svelte'],
    'ada'
  ],
  [
    'security-champions',
    'Security Champions',
    'practice',
    'Berlin',
    'DE',
    52.52,
    13.405,
    'Europe/Berlin',
    ['security', 'threat-modeling'],
    'grace'
  ],
  [
    'sre-circle',
    'SRE Circle',
    'practice',
    null,
    null,
    null,
    null,
    'UTC',
    ['sre', 'observability', 'kubernetes'],
    'linus'
  ]
].map(([slug, name, kind, city, country, latitude, longitude, timeZone, tags, owner]) => {
  const practice = kind === 'practice';
  const visibility =
    slug === 'devops-cloud-cop' ? 'private' : slug === 'security-champions' ? 'hidden' : 'public';
  return {
    input: {
      slug: slug as string,
      name: name as string,
      kind: practice ? 'practice' : 'meetup',
      description: practice
        ? `A Community of Practice: members propose topics, vote, and the top two make the agenda of the next 90-minute session.`
        : `Monthly talks and hands-on sessions for everyone who works with ${(tags as string[])[0] ?? 'tech'} in ${(city as string | null) ?? 'the area'}. Everyone is welcome.`,
      tags: tags as string[],
      city: city as string | null,
      country: country as string | null,
      latitude: latitude as number | null,
      longitude: longitude as number | null,
      onlineOnly: city === null,
      timeZone: timeZone as string,
      visibility,
      joinPolicy:
        visibility === 'public' ? 'open' : visibility === 'private' ? 'approval' : 'invitation',
      joinQuestions:
        visibility === 'private'
          ? ['Which team are you in, and what would you like to learn here?']
          : []
    } satisfies GroupInput,
    owner: owner as string,
    members: (['grace', 'ada', 'linus'] as const)
      .filter((h) => h !== owner)
      .map((h, i): [string, Role] => [h, i === 0 ? 'organizer' : 'member'])
  };
});

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
    await seedGroups(db);
  } finally {
    await queue.stop();
  }
  return lines;
}

/** Creates the demo groups, their memberships and the "Azure Meetups" network (skips what exists). */
async function seedGroups(db: Db): Promise<void> {
  const users = await db.kysely.selectFrom('users').select(['id', 'handle']).execute();
  const idOf = (handle: string) => {
    const user = users.find((u) => u.handle === handle);
    if (!user) throw new Error(`demo user @${handle} is missing`);
    return user.id;
  };
  for (const demo of DEMO_GROUPS) {
    if (await findGroupBySlug(db, demo.input.slug)) continue;
    const group = await createGroup(db, idOf(demo.owner), demo.input);
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('memberships')
      .values(
        demo.members.map(([handle, role]) => ({
          group_id: group.id,
          user_id: idOf(handle),
          role,
          status: 'active',
          created_at: at,
          updated_at: at
        }))
      )
      .execute();
    await db.kysely
      .updateTable('groups')
      .set({ member_count: 1 + demo.members.length })
      .where('id', '=', group.id)
      .execute();
  }
  const admin = idOf('grace');
  const network =
    (await findNetwork(db, 'azure-meetups')) ??
    (await createNetwork(db, admin, {
      slug: 'azure-meetups',
      name: 'Azure Meetups',
      description: 'Azure user groups in German cities.'
    }));
  for (const slug of ['azure-munich', 'azure-hamburg', 'azure-berlin']) {
    const group = await findGroupBySlug(db, slug);
    if (group && group.networkId !== network.id) await setChapter(db, admin, group.id, network.id);
  }
}
