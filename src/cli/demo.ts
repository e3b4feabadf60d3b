import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { createJobQueue } from '../jobs/create-job-queue.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createAuth } from '../services/auth.ts';
import type { Role } from '../domain/group-policy.ts';
import type { Recurrence } from '../domain/recurrence.ts';
import { listGroupMeetings, type Meeting, updateMeeting } from '../services/event.service.ts';
import {
  createGroup,
  findGroupBySlug,
  type Group,
  type GroupInput
} from '../services/group.service.ts';
import { CHAT_WEBHOOK_QUEUE } from '../services/chat/chat-webhook.service.ts';
import { MEETING_MAIL_QUEUE } from '../services/meeting-mail-jobs.ts';
import { decideRequest, joinGroup, membershipOf } from '../services/membership.service.ts';
import { updateProfile, type ProfileChanges } from '../services/profile.service.ts';
import { createNetwork, findNetwork, setChapter } from '../services/network.service.ts';
import { checkIn, respond, rsvpWindow } from '../services/rsvp.service.ts';
import {
  createSeries,
  listGroupSeries,
  materialize,
  MATERIALIZE_DAYS
} from '../services/series.service.ts';
import { createSponsor, listSponsors, type SponsorInput } from '../services/sponsor.service.ts';
import { createVenue, listVenues, type VenueInput } from '../services/venue.service.ts';
import { seedPractice } from './demo-practice.ts';
import { seedBoard } from './demo-board.ts';
import { HEALTH_DEMO_GROUPS, seedHealthHistory } from './demo-health.ts';
import { HEALTH_STATE, rollUpHealth } from '../services/health/health-rollup.ts';
import { seedRoom } from './demo-room.ts';
import { ACTIVITIES_QUEUE } from '../services/activity/activity.service.ts';

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

/**
 * Twenty more demo members (same password, plain members): they fill the groups, RSVP, wait for
 * seats and check in, so meetings look lived in.
 */
export const DEMO_MEMBERS: { email: string; name: string; profile: ProfileChanges }[] = (
  [
    ['Mia Schneider', 'mia', 'München', 'DE', 'Europe/Berlin', 'de', ['azure', 'devops']],
    ['Jonas Becker', 'jonas', 'Hamburg', 'DE', 'Europe/Berlin', 'de', ['azure', 'dotnet']],
    ['Priya Raman', 'priya', 'Berlin', 'DE', 'Europe/Berlin', 'en', ['kubernetes', 'security']],
    ['Wei Chen', 'wei', 'Toronto', 'CA', 'America/Toronto', 'en', ['powershell', 'sre']],
    ['Sofia Rossi', 'sofia', 'Zürich', 'CH', 'Europe/Zurich', 'en', ['python', 'data-engineering']],
    ['Lukas Gruber', 'lukas', 'Wien', 'AT', 'Europe/Vienna', 'de', ['rust', 'embedded']],
    ['Amara Okafor', 'amara', 'Berlin', 'DE', 'Europe/Berlin', 'en', ['accessibility', 'svelte']],
    ['Mateo García', 'mateo', 'Portland', 'US', 'America/Los_Angeles', 'en', ['kubernetes', 'go']],
    ['Hannah Weber', 'hannah', 'München', 'DE', 'Europe/Berlin', 'de', ['terraform', 'cloud']],
    ['Emre Yılmaz', 'emre', 'Hamburg', 'DE', 'Europe/Berlin', 'de', ['security', 'azure']],
    ['Olivia Tremblay', 'olivia', 'Toronto', 'CA', 'America/Toronto', 'en', ['active-directory']],
    ['Noah Fischer', 'noah', 'Zürich', 'CH', 'Europe/Zurich', 'de', ['python', 'spark']],
    ['Aiko Tanaka', 'aiko', 'Portland', 'US', 'America/Los_Angeles', 'en', ['observability']],
    ['Felix Wagner', 'felix', 'Wien', 'AT', 'Europe/Vienna', 'de', ['rust', 'linux']],
    ['Leonie Hoffmann', 'leonie', 'München', 'DE', 'Europe/Berlin', 'de', ['javascript', 'svelte']],
    ['Rahul Mehta', 'rahul', 'Berlin', 'DE', 'Europe/Berlin', 'en', ['data-engineering', 'spark']],
    ['Camille Dubois', 'camille', 'Zürich', 'CH', 'Europe/Zurich', 'en', ['threat-modeling']],
    ['Daniel Kowalski', 'daniel', 'Hamburg', 'DE', 'Europe/Berlin', 'en', ['devops', 'linux']],
    ['Fatima Haddad', 'fatima', 'Toronto', 'CA', 'America/Toronto', 'en', ['windows-server']],
    ['Tobias Lang', 'tobias', 'München', 'DE', 'Europe/Berlin', 'de', ['sre', 'kubernetes']]
  ] as const
).map(([name, handle, city, country, timeZone, language, tags]) => ({
  email: `${handle}@demo.guildhall.test`,
  name,
  profile: { handle, city, country, timeZone, language, tags: [...tags] }
}));

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

/** How a demo group's meetings recur (the start date and time zone come at seeding time). */
type DemoRule = Pick<Recurrence, 'weekday' | 'startTime' | 'durationMinutes'> &
  (
    | { frequency: 'monthly'; weekOfMonth: 1 | 2 | 3 | 4 | -1 }
    | { frequency: 'weekly'; every: number }
  );

/** Where a demo group meets, who supports it, and its series of meetings. */
interface DemoMeetings {
  venue: VenueInput;
  sponsors: SponsorInput[];
  series: {
    title: string;
    description: string;
    rule: DemoRule;
    capacity: number;
    guestLimit: number;
    rsvpClosesHours: number | null;
    /** A video link: the group's meetings are hybrid (room and call). */
    onlineUrl: string | null;
  };
}

const meetup = (weekOfMonth: 1 | 2 | 3 | 4 | -1, weekday: DemoRule['weekday']): DemoRule => ({
  frequency: 'monthly',
  weekOfMonth,
  weekday,
  startTime: '18:30',
  durationMinutes: 150
});
const session = (weekday: DemoRule['weekday'], startTime: string): DemoRule => ({
  frequency: 'weekly',
  every: 2,
  weekday,
  startTime,
  durationMinutes: 90
});
const meetupSeries = (title: string, sponsor: string, rule: DemoRule, capacity: number) => ({
  title,
  description: `Two talks of about 30 minutes each, then time to talk over pizza and drinks from ${sponsor}. Doors open 30 minutes before the start; the talks are announced here a week ahead.`,
  rule,
  capacity,
  guestLimit: 1,
  rsvpClosesHours: 2,
  onlineUrl: null
});
const practiceSeries = (
  title: string,
  rule: DemoRule,
  onlineUrl: string | null,
  capacity: number
) => ({
  title,
  description:
    'Ninety minutes: the two topics with the most votes, 30 minutes each, then open questions and what we try before next time. Bring your laptop if you want to follow along.',
  rule,
  capacity,
  guestLimit: 0,
  rsvpClosesHours: null,
  onlineUrl
});
const NORTHWIND: SponsorInput = {
  name: 'Northwind Analytics',
  url: 'https://northwind.example/',
  contributions: ['room', 'food']
};
const NORTHWIND_ACADEMY: SponsorInput = {
  name: 'Northwind Academy',
  url: 'https://northwind.example/academy',
  contributions: ['speakers', 'money']
};

/**
 * Each demo group's venue (a company office, with room and accessibility notes), sponsors and
 * series. The Communities of Practice belong to one (made-up) company, Northwind Analytics.
 */
export const DEMO_MEETINGS: Record<string, DemoMeetings> = {
  'azure-munich': {
    venue: {
      name: 'Isarwerk Software',
      address: 'Leopoldstraße 180, 80804 München',
      room: 'Auditorium, 3rd floor',
      capacity: 80,
      accessibility:
        'Step-free entrance on Leopoldstraße, lift to the 3rd floor, accessible toilet next to the auditorium. The auditorium has a hearing loop.',
      host: 'Isarwerk Software GmbH',
      latitude: 48.1764,
      longitude: 11.5855
    },
    sponsors: [
      {
        name: 'Isarwerk Software',
        url: 'https://isarwerk.example/',
        contributions: ['room', 'food']
      },
      {
        name: 'Cloudbrücke Consulting',
        url: 'https://cloudbruecke.example/',
        contributions: ['speakers']
      }
    ],
    series: meetupSeries(
      'Azure Meetup Munich: talks & networking',
      'Isarwerk Software',
      meetup(2, 'TU'),
      60
    )
  },
  'azure-hamburg': {
    venue: {
      name: 'Speicherstadt Digital',
      address: 'Am Sandtorkai 37, 20457 Hamburg',
      room: 'Kesselhaus, ground floor',
      capacity: 50,
      accessibility:
        'Ground floor, step-free through the side entrance on Kibbelstegbrücke (the main door has two steps). Accessible toilet; a quiet room is available on request.',
      host: 'Speicherstadt Digital GmbH',
      latitude: 53.5433,
      longitude: 9.9897
    },
    sponsors: [
      {
        name: 'Speicherstadt Digital',
        url: 'https://speicherstadt-digital.example/',
        contributions: ['room', 'food']
      }
    ],
    series: meetupSeries('Azure Meetup Hamburg', 'Speicherstadt Digital', meetup(3, 'WE'), 45)
  },
  'azure-berlin': {
    venue: {
      name: 'Spreeblick Labs',
      address: 'Schlesische Straße 26, 10997 Berlin',
      room: 'Loft 5 (Aufgang B, 4th floor)',
      capacity: 40,
      accessibility:
        'Lift from the courtyard: ring at Aufgang B. Two steps at the door of Loft 5, a portable ramp is there. All-gender accessible toilet on the same floor.',
      host: 'Spreeblick Labs GmbH',
      latitude: 52.4995,
      longitude: 13.4475
    },
    sponsors: [
      { name: 'Spreeblick Labs', url: 'https://spreeblick-labs.example/', contributions: ['room'] },
      { name: 'Brotzeit & Bytes', url: 'https://brotzeit-bytes.example/', contributions: ['food'] }
    ],
    series: meetupSeries('Azure Meetup Berlin', 'Brotzeit & Bytes', meetup(1, 'TH'), 40)
  },
  'toronto-windows-server': {
    venue: {
      name: 'Maple Systems',
      address: '100 King St W, Toronto, ON M5X 1A9',
      room: 'Boardroom 22B, 22nd floor',
      capacity: 35,
      accessibility:
        'Step-free from the King St entrance; elevator bank C to floor 22; accessible washrooms on every floor. Sign in at the lobby desk with photo ID.',
      host: 'Maple Systems Inc.',
      latitude: 43.6487,
      longitude: -79.3816
    },
    sponsors: [
      {
        name: 'Maple Systems',
        url: 'https://maplesystems.example/',
        contributions: ['room', 'food']
      },
      {
        name: 'Northern Patch Partners',
        url: 'https://northernpatch.example/',
        contributions: ['money']
      }
    ],
    series: meetupSeries('TWSUG monthly meeting', 'Maple Systems', meetup(-1, 'TU'), 35)
  },
  'kubernetes-portland': {
    venue: {
      name: 'Rosebud Cloud',
      address: '1120 NW Couch St, Portland, OR 97209',
      room: 'Community Room, 4th floor',
      capacity: 70,
      accessibility:
        'Elevator from the lobby, accessible restrooms on every floor, reserved seating up front for wheelchair users. Secure bike parking in the garage.',
      host: 'Rosebud Cloud, Inc.',
      latitude: 45.5237,
      longitude: -122.6826
    },
    sponsors: [
      {
        name: 'Rosebud Cloud',
        url: 'https://rosebud-cloud.example/',
        contributions: ['room', 'food']
      }
    ],
    series: meetupSeries('Kubernetes Portland', 'Rosebud Cloud', meetup(2, 'WE'), 60)
  },
  'rust-vienna': {
    venue: {
      name: 'Donaukanal Tech Hub',
      address: 'Obere Donaustraße 95, 1020 Wien',
      room: 'Seminarraum 2, 1st floor',
      capacity: 45,
      accessibility:
        'Barrier-free entrance with automatic door, lift to the 1st floor, accessible toilet on the same floor, induction loop in Seminarraum 2.',
      host: 'Ferrum Systems GmbH',
      latitude: 48.2165,
      longitude: 16.3712
    },
    sponsors: [
      {
        name: 'Ferrum Systems',
        url: 'https://ferrum-systems.example/',
        contributions: ['room', 'food', 'speakers']
      }
    ],
    series: meetupSeries('Rust Vienna monthly', 'Ferrum Systems', meetup(3, 'TH'), 45)
  },
  'python-zurich': {
    venue: {
      name: 'Limmat Data',
      address: 'Hardturmstrasse 161, 8005 Zürich',
      room: 'Forum, ground floor',
      capacity: 60,
      accessibility:
        'Step-free, accessible WC next to the forum. Movable seating; spaces for wheelchairs at the front. Tram 4 and 17 stop at the door.',
      host: 'Limmat Data AG',
      latitude: 47.3925,
      longitude: 8.5148
    },
    sponsors: [
      { name: 'Limmat Data', url: 'https://limmat-data.example/', contributions: ['room', 'food'] },
      {
        name: 'Zürisee Analytics',
        url: 'https://zuerisee-analytics.example/',
        contributions: ['money']
      }
    ],
    series: meetupSeries('Python Zürich meetup', 'Limmat Data', meetup(1, 'WE'), 50)
  },
  'data-engineering-guild': {
    venue: {
      name: 'Northwind Analytics HQ',
      address: 'Mainzer Landstraße 50, 60325 Frankfurt am Main',
      room: 'Taunus (2.14), 2nd floor',
      capacity: 24,
      accessibility:
        'Step-free, lift to the 2nd floor, accessible toilet on the floor. Most people join by video; live captions are on in every session.',
      host: 'Northwind Analytics',
      latitude: 50.1106,
      longitude: 8.6647
    },
    sponsors: [NORTHWIND, NORTHWIND_ACADEMY],
    series: practiceSeries(
      'Data Engineering Guild session',
      session('TH', '15:00'),
      'https://meet.northwind.example/data-guild',
      24
    )
  },
  'devops-cloud-cop': {
    venue: {
      name: 'Northwind Analytics Munich',
      address: 'Arnulfstraße 60, 80335 München',
      room: 'Zugspitze, 5th floor',
      capacity: 24,
      accessibility:
        'Step-free from Arnulfstraße, lifts to the 5th floor, accessible toilet by the kitchen. Guests sign in at reception on the ground floor.',
      host: 'Northwind Analytics',
      latitude: 48.1429,
      longitude: 11.5482
    },
    sponsors: [NORTHWIND],
    series: practiceSeries('DevOps & Cloud CoP session', session('WE', '16:00'), null, 24)
  },
  'frontend-guild': {
    venue: {
      name: 'Northwind Analytics Berlin',
      address: 'Friedrichstraße 68, 10117 Berlin',
      room: 'Kreuzberg (3.02), 3rd floor',
      capacity: 20,
      accessibility:
        'Lift to the 3rd floor, accessible toilet on the floor, height-adjustable tables. Sessions are hybrid with captions; slides are shared before each session.',
      host: 'Northwind Analytics',
      latitude: 52.5118,
      longitude: 13.3896
    },
    sponsors: [NORTHWIND, NORTHWIND_ACADEMY],
    series: practiceSeries(
      'Frontend Guild session',
      session('TU', '14:00'),
      'https://meet.northwind.example/frontend-guild',
      20
    )
  },
  'security-champions': {
    venue: {
      name: 'Northwind Analytics Berlin',
      address: 'Friedrichstraße 68, 10117 Berlin',
      room: 'Tresor (B1.04), basement',
      capacity: 20,
      accessibility:
        'Lift to the basement from the main lobby, accessible toilet on the ground floor. No phones in the room: lockers by the door.',
      host: 'Northwind Analytics',
      latitude: 52.5118,
      longitude: 13.3896
    },
    sponsors: [NORTHWIND],
    series: practiceSeries('Security Champions session', session('MO', '15:30'), null, 20)
  },
  'sre-circle': {
    venue: {
      name: 'Northwind Analytics HQ',
      address: 'Mainzer Landstraße 50, 60325 Frankfurt am Main',
      room: 'Feldberg (4.01), 4th floor',
      capacity: 20,
      accessibility:
        'Step-free, lifts, accessible toilet on the floor. Remote-first: the call link is on the meeting; the room is for whoever is in Frankfurt.',
      host: 'Northwind Analytics',
      latitude: 50.1106,
      longitude: 8.6647
    },
    sponsors: [NORTHWIND],
    series: practiceSeries(
      'SRE Circle session',
      session('TH', '14:00'),
      'https://meet.northwind.example/sre-circle',
      20
    )
  }
};

/** The demo's shared password (it passes the password policy; never use it for real accounts). */
export const DEMO_PASSWORD = 'guildhall-demo-2026';

/**
 * Fills the database with demo accounts, groups and meetings (idempotent: running it again resets
 * the accounts' passwords and profiles and adds what is missing, but never touches a group's
 * meetings once it has a series). Returns one "email / password" line per login of the three
 * demo people, and one line about the other members.
 */
export async function seedDemo(
  config: Config,
  db: Db,
  logger: Logger,
  now = new Date()
): Promise<string[]> {
  const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
  const auth = createAuth({ config, db, queue, logger });
  const lines: string[] = [];
  try {
    for (const person of [...DEMO_PEOPLE, ...DEMO_MEMBERS.map((m) => ({ ...m, admin: false }))]) {
      const { id } = await upsertVerifiedAccount(auth, db, {
        email: person.email,
        name: person.name,
        password: DEMO_PASSWORD,
        admin: person.admin,
        ...(person.profile.language ? { language: person.profile.language } : {})
      });
      await updateProfile(db, id, person.profile);
    }
    for (const person of DEMO_PEOPLE) {
      lines.push(`${person.email} / ${DEMO_PASSWORD}${person.admin ? '  (instance admin)' : ''}`);
    }
    const [first] = DEMO_MEMBERS;
    if (first) {
      lines.push(`or any of ${DEMO_MEMBERS.length} members, e.g. ${first.email} (same password)`);
    }
    await withoutWaitingForDisk(db, async (fast) => {
      await seedGroups(fast);
      await seedMeetings(fast, withoutNotifications(queue), now);
      await seedHealthHistories(fast, now);
    });
    // What seeding did happened before anyone was watching: no notifications, no webhooks.
    await db.kysely
      .updateTable('activities')
      .set({ dispatched_at: now.toISOString() })
      .where('dispatched_at', 'is', null)
      .execute();
    // The health dashboard's figures are there at once, not after the job's first run.
    await rollUpHealth(db, { now });
  } finally {
    await queue.stop();
  }
  return lines;
}

/**
 * Runs `work` with commits that do not wait for the disk: seeding is about two thousand small
 * write transactions, and flushing after each one takes tens of seconds. On SQLite
 * `synchronous = NORMAL` for the time being (WAL keeps the file consistent); on PostgreSQL one
 * pooled connection with `synchronous_commit = off` (a crash may lose the last commits, never
 * corrupt anything). Both are set back afterwards.
 */
async function withoutWaitingForDisk(db: Db, work: (db: Db) => Promise<void>): Promise<void> {
  if (db.sqlite) {
    db.sqlite.pragma('synchronous = NORMAL');
    try {
      await work(db);
    } finally {
      db.sqlite.pragma('synchronous = FULL');
    }
    return;
  }
  await db.kysely.connection().execute(async (connection) => {
    await sql`set synchronous_commit = off`.execute(connection);
    try {
      await work({ ...db, kysely: connection });
    } finally {
      await sql`reset synchronous_commit`.execute(connection);
    }
  });
}

/**
 * The queue the demo's meetings are made through: it drops meeting mails (announcements,
 * reminders, waitlist promotions, agendas), chat posts and activity dispatch, so seeding a few hundred made-up
 * meetings, RSVPs and votes tells nobody anything; other jobs pass through.
 */
function withoutNotifications(queue: JobQueue): JobQueue {
  const dropped = new Set([MEETING_MAIL_QUEUE, CHAT_WEBHOOK_QUEUE, ACTIVITIES_QUEUE]);
  return {
    enqueue: (name, payload, options) =>
      dropped.has(name) ? Promise.resolve() : queue.enqueue(name, payload, options),
    work: (name, handler) => {
      queue.work(name, handler);
    },
    start: () => queue.start(),
    stop: () => queue.stop(),
    idle: (timeoutMs) => queue.idle(timeoutMs),
    depth: () => queue.depth()
  };
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

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How far back each demo series starts: a few past meetings per group. */
const HISTORY_DAYS = 60;

/** The extra members of the `index`-th demo group: a different dozen and a half for each. */
function extraMembersOf(index: number): string[] {
  const handles = DEMO_MEMBERS.map((m) => m.profile.handle ?? '');
  const offset = (index * 7) % handles.length;
  const rotated = [...handles.slice(offset), ...handles.slice(0, offset)];
  return rotated.slice(0, 13 + (index % 5));
}

/** The calendar date of `at` in `timeZone` (`YYYY-MM-DD`). */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  }).format(at);
}

function recurrenceOf(rule: DemoRule, startDate: string, timeZone: string): Recurrence {
  const base = {
    weekday: rule.weekday,
    startTime: rule.startTime,
    durationMinutes: rule.durationMinutes,
    startDate,
    timeZone
  };
  return rule.frequency === 'monthly'
    ? { ...base, frequency: 'monthly', interval: 1, weekOfMonth: rule.weekOfMonth }
    : { ...base, frequency: 'weekly', interval: rule.every };
}

/** Makes someone an active member the way people join: directly, or asked and approved. */
async function addMember(db: Db, group: Group, approverId: string, userId: string): Promise<void> {
  if (await membershipOf(db, group.id, userId)) return;
  const answers = group.joinQuestions.map(
    () => 'Platform team. I want to learn how the other teams do it, and share what worked for us.'
  );
  const status = await joinGroup(db, group, userId, answers);
  if (status === 'pending') await decideRequest(db, group, approverId, userId, true);
}

/**
 * Gives every demo group its extra members, a venue, sponsors and a series that started
 * {@link HISTORY_DAYS} days ago: past meetings with RSVPs, check-ins and no-shows, the next one
 * full with a waitlist, the one after with a few RSVPs. A group that already has a series is left
 * as it is (members are still added). Everything goes through the services, with `now` set to
 * when it would have happened.
 */
async function seedMeetings(db: Db, queue: JobQueue, now: Date): Promise<void> {
  const users = await db.kysely.selectFrom('users').select(['id', 'handle']).execute();
  const idOf = (handle: string) => {
    const user = users.find((u) => u.handle === handle);
    if (!user) throw new Error(`demo user @${handle} is missing`);
    return user.id;
  };
  const seriesStart = new Date(now.getTime() - HISTORY_DAYS * DAY);
  for (const [index, demo] of DEMO_GROUPS.entries()) {
    const group = await findGroupBySlug(db, demo.input.slug);
    const plan = DEMO_MEETINGS[demo.input.slug];
    if (!group || !plan) continue;
    const ownerId = idOf(demo.owner);
    const extras = extraMembersOf(index).map(idOf);
    for (const userId of extras) await addMember(db, group, ownerId, userId);
    if ((await listGroupSeries(db, group.id)).length > 0) continue;

    const venue =
      (await listVenues(db, group.id)).find((v) => v.name === plan.venue.name) ??
      (await createVenue(db, group.id, ownerId, plan.venue, seriesStart));
    const existingSponsors = await listSponsors(db, group.id);
    const sponsorIds: string[] = [];
    for (const input of plan.sponsors) {
      const sponsor =
        existingSponsors.find((s) => s.name === input.name) ??
        (await createSponsor(db, group.id, ownerId, input, seriesStart));
      sponsorIds.push(sponsor.id);
    }
    const { series } = await createSeries(
      db,
      queue,
      group.id,
      ownerId,
      {
        title: plan.series.title,
        description: plan.series.description,
        recurrence: recurrenceOf(
          plan.series.rule,
          localDate(seriesStart, group.timeZone),
          group.timeZone
        ),
        venueId: venue.id,
        onlineUrl: plan.series.onlineUrl,
        capacity: plan.series.capacity,
        guestLimit: plan.series.guestLimit,
        rsvpClosesHours: plan.series.rsvpClosesHours
      },
      seriesStart
    );
    // Created "back then", the series reaches six months past that; today it reaches further.
    await materialize(
      db,
      queue,
      series,
      new Date(now.getTime() + MATERIALIZE_DAYS * DAY),
      { announce: 'none' },
      now
    );

    const listed = { includeDrafts: false, limit: 100 };
    const past = (await listGroupMeetings(db, group.id, { ...listed, when: 'past' }, now)).items;
    const upcoming = (await listGroupMeetings(db, group.id, { ...listed, when: 'upcoming' }, now))
      .items;
    // The sponsors are credited on the meetings so far and the next three (an edit that keeps
    // them in the series: sponsors are not part of it).
    for (const meeting of [...past, ...upcoming.slice(0, 3)]) {
      await updateMeeting(db, queue, meeting, { sponsorIds }, meeting.createdAt, {
        keepAttached: true
      });
    }
    const people = {
      owner: ownerId,
      organizer: idOf(demo.members.find(([, role]) => role === 'organizer')?.[0] ?? demo.owner),
      member: idOf(demo.members.find(([, role]) => role === 'member')?.[0] ?? demo.owner),
      extras
    };
    for (const [p, meeting] of [...past].reverse().entries()) {
      await seedPastMeeting(db, queue, meeting, p, people, seriesStart);
    }
    const [next, afterNext] = upcoming.filter((m) => rsvpWindow(m, now) === null);
    if (next) await seedFullMeeting(db, queue, next, people, now);
    if (afterNext) await seedNextMeeting(db, queue, afterNext, people, now);
    if (group.kind === 'practice' && group.slug === PRACTICE_DEMO) {
      const voters = [people.organizer, people.member, ...extras].filter((id) => id !== ownerId);
      await seedPractice(db, queue, group, [ownerId, ...new Set(voters)], now);
      await seedRoom(db, group, people.organizer, now);
      await seedBoard(db, queue, group, { organizer: people.organizer, members: extras }, now);
    }
  }
}

/**
 * Gives the {@link HEALTH_DEMO_GROUPS} a past (demo-health.ts): the members in the order they
 * joined (the other demo people first, then the extras), and the demo members outside the group.
 */
async function seedHealthHistories(db: Db, now: Date): Promise<void> {
  const users = await db.kysely.selectFrom('users').select(['id', 'handle']).execute();
  const idOf = (handle: string) => users.find((u) => u.handle === handle)?.id;
  for (const slug of HEALTH_DEMO_GROUPS) {
    const index = DEMO_GROUPS.findIndex((g) => g.input.slug === slug);
    const demo = DEMO_GROUPS[index];
    const group = await findGroupBySlug(db, slug);
    const owner = demo && idOf(demo.owner);
    if (!demo || !group || !owner) continue;
    const active = new Set(
      (
        await db.kysely
          .selectFrom('memberships')
          .select('user_id')
          .where('group_id', '=', group.id)
          .where('status', '=', 'active')
          .execute()
      ).map((m) => m.user_id)
    );
    const organizer = idOf(demo.members.find(([, role]) => role === 'organizer')?.[0] ?? '');
    const inOrder = [...demo.members.map(([handle]) => handle), ...extraMembersOf(index)]
      .map(idOf)
      .filter((id): id is string => !!id && id !== organizer && active.has(id));
    const outsiders = DEMO_MEMBERS.map((m) => idOf(m.profile.handle ?? '')).filter(
      (id): id is string => !!id && !active.has(id)
    );
    const seeded = await seedHealthHistory(
      db,
      group,
      { owner, organizer: organizer ?? owner, members: inOrder, outsiders },
      now
    );
    // A history older than what the rollup has seen: its next run starts again from the
    // beginning (an instance whose job ran before the demo seeded this).
    if (seeded)
      await db.kysely
        .deleteFrom('health_state')
        .where('key', '=', HEALTH_STATE.signalsUntil)
        .execute();
  }
}

/** The Community of Practice whose backlog, votes, rounds and talks the demo fills in. */
export const PRACTICE_DEMO = 'devops-cloud-cop';

/** The demo people of one group: its owner, organizer and member, and the extra members. */
interface GroupPeople {
  owner: string;
  organizer: string;
  member: string;
  extras: string[];
}

/**
 * A meeting that took place: most said going a few days before (some with a guest), a few said
 * no, and about four in five of those going were checked in at the door; the rest are no-shows.
 */
async function seedPastMeeting(
  db: Db,
  queue: JobQueue,
  meeting: Meeting,
  p: number,
  people: GroupPeople,
  seriesStart: Date
): Promise<void> {
  const answersFrom = Math.max(meeting.startsAt.getTime() - 3 * DAY, seriesStart.getTime() + DAY);
  const answers: { userId: string; going: boolean; guests: number; checkedIn: boolean }[] = [
    { userId: people.owner, going: true, guests: 0, checkedIn: true },
    { userId: people.organizer, going: true, guests: 0, checkedIn: true },
    { userId: people.member, going: p % 2 === 0, guests: 0, checkedIn: p % 4 === 0 }
  ];
  for (const [i, userId] of people.extras.entries()) {
    if ((i + p) % 4 === 0 && i % 2 === 1) continue; // never answered
    answers.push({
      userId,
      going: (i + p) % 4 !== 0,
      guests: meeting.guestLimit > 0 && i % 6 === 1 ? 1 : 0,
      checkedIn: (3 * i + p) % 5 !== 0
    });
  }
  const closes = (meeting.rsvpClosesAt ?? meeting.startsAt).getTime();
  const arrivals: string[] = [];
  for (const [i, answer] of answers.entries()) {
    const at = new Date(Math.min(answersFrom + i * 37 * MINUTE, closes - MINUTE));
    const rsvp = await respond(
      db,
      queue,
      meeting.id,
      answer.userId,
      { going: answer.going, guests: answer.guests },
      at
    );
    // Only people with a seat can be checked in (a busy meeting may have had a waitlist).
    if (rsvp.status === 'going' && answer.checkedIn) arrivals.push(answer.userId);
  }
  for (const [i, userId] of arrivals.entries()) {
    const at = new Date(meeting.startsAt.getTime() - 20 * MINUTE + i * 2 * MINUTE);
    await checkIn(db, meeting.id, { userId }, at);
  }
}

/**
 * The next meeting: moved to a smaller room (an edit of this occurrence alone), every seat taken
 * and two people on the waitlist — the group's member among the demo people last in line.
 */
async function seedFullMeeting(
  db: Db,
  queue: JobQueue,
  meeting: Meeting,
  people: GroupPeople,
  now: Date
): Promise<void> {
  const going = [people.owner, people.organizer, ...people.extras.slice(0, -2)];
  const edited = new Date(now.getTime() - 2 * DAY);
  await updateMeeting(
    db,
    queue,
    meeting,
    {
      capacity: going.length,
      description: `${meeting.description}\n\nThis time the big room is taken: we are in a smaller one with ${going.length} seats. If you cannot come after all, please say so, so the next one on the waitlist gets your seat.`
    },
    edited
  );
  const notGoing = people.extras.at(-2);
  const latecomer = people.extras.at(-1);
  const answers = [
    ...going.map((userId) => ({ userId, going: true })),
    ...(notGoing ? [{ userId: notGoing, going: false }] : []),
    ...(latecomer ? [{ userId: latecomer, going: true }] : []),
    { userId: people.member, going: true }
  ];
  for (const [i, answer] of answers.entries()) {
    const at = new Date(edited.getTime() + (i + 1) * 41 * MINUTE);
    await respond(db, queue, meeting.id, answer.userId, { going: answer.going, guests: 0 }, at);
  }
}

/** The meeting after: the organizers and a few early birds (one bringing a guest) are going. */
async function seedNextMeeting(
  db: Db,
  queue: JobQueue,
  meeting: Meeting,
  people: GroupPeople,
  now: Date
): Promise<void> {
  const early = [people.owner, people.organizer, ...people.extras.slice(0, 5)];
  for (const [i, userId] of early.entries()) {
    const guests = meeting.guestLimit > 0 && i === 3 ? 1 : 0;
    const at = new Date(now.getTime() - DAY + i * 53 * MINUTE);
    await respond(db, queue, meeting.id, userId, { going: true, guests }, at);
  }
}
