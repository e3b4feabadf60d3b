// `npm run bench:data`: generates a bench data set once, deterministically for a seed, into a data
// directory (SQLite, the default) or a PostgreSQL database (`--database postgres://…/name`, created
// afresh); `npm run bench -- --data dir` measures a copy of it as often as needed.
//
//   npm run bench:data -- --out data/bench-large --groups 272000 --members 3000000 \
//     --users 1000000 --events 1000000
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import {
  makeDataSet,
  MANIFEST,
  readManifest,
  recreatePgDatabase,
  writeManifest
} from './data-set.ts';
import { generateHealthData } from './health.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'data/bench' },
    database: { type: 'string', default: '' },
    groups: { type: 'string', default: '100000' },
    members: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '50000' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    'health-members': { type: 'string', default: '50000' },
    'health-meetings': { type: 'string', default: '500' },
    'add-health': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
  }
});

if (values.help) {
  console.log(`npm run bench:data -- [--out dir] [--database postgres://…/name] [--groups N]
  [--members N] [--users N] [--events N] [--seed N] [--health-members N] [--health-meetings N]

Generates a deterministic data set for npm run bench: groups with Zipf-like sizes in real cities,
tags, memberships, venues, series, past and upcoming meetings with RSVPs and check-ins, topics and
open voting rounds with votes, polls with answers, board posts, and one group with a long history
for the health dashboard (its first rollup included). --out holds the SQLite file (replaced if it
exists) and ${MANIFEST}; with --database the data goes into that PostgreSQL database (dropped and
created afresh) and --out keeps only ${MANIFEST}. --add-health adds the health group (and its
first rollup) to a data set made with --health-members 0.`);
  process.exit(0);
}

const positive = (name: string, value: string | undefined, min = 1): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min} (got ${value ?? ''})`);
    process.exit(2);
  }
  return n;
};
const options = {
  groups: positive('groups', values.groups),
  memberships: positive('members', values.members),
  users: positive('users', values.users),
  events: positive('events', values.events),
  seed: positive('seed', values.seed, 0),
  healthMembers: positive('health-members', values['health-members'], 0),
  healthMeetings: positive('health-meetings', values['health-meetings'])
};

const out = path.resolve(values.out);
mkdirSync(out, { recursive: true });
if (values['add-health']) {
  const manifest = readManifest(out);
  if (manifest.health) throw new Error(`${out} already has its health group`);
  const config = loadConfig({
    DATA_DIR: out,
    SECRET: 'b'.repeat(40),
    LOG_LEVEL: 'silent',
    ...(values.database ? { DATABASE_URL: values.database } : {})
  });
  const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
  const members = Math.min(options.healthMembers, manifest.options.users);
  manifest.health = await generateHealthData(db, {
    members,
    meetings: options.healthMeetings,
    seed: manifest.options.seed,
    log: (line) => {
      console.log(line);
    }
  });
  manifest.options = {
    ...manifest.options,
    healthMembers: members,
    healthMeetings: options.healthMeetings
  };
  db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  await db.close();
  writeManifest(out, manifest);
  console.log(`Health group added to ${out}.`);
  process.exit(0);
}
if (values.database) {
  await recreatePgDatabase(values.database);
} else {
  for (const suffix of ['', '-wal', '-shm']) {
    const file = path.join(out, `guildhall.db${suffix}`);
    if (existsSync(file)) rmSync(file);
  }
}
const config = loadConfig({
  DATA_DIR: out,
  SECRET: 'b'.repeat(40),
  LOG_LEVEL: 'silent',
  ...(values.database ? { DATABASE_URL: values.database } : {})
});
const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
await migrateToLatest(db.kysely);
const { manifest } = await makeDataSet(db, options, (line) => {
  console.log(line);
});
await db.close();
writeManifest(out, manifest);
console.log(
  `Data set ready in ${manifest.totalSeconds} s: ${values.database ? values.database.replace(/\/\/[^@]*@/, '//') : path.join(out, 'guildhall.db')} (${path.join(out, MANIFEST)}).`
);
