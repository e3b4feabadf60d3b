import path from 'node:path';
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { ConfigError, type Config, loadConfig } from '../config/config.ts';
import { upsertVerifiedAccount } from '../services/account.service.ts';
import { createAuth } from '../services/auth.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import {
  BackupError,
  backupDatabase,
  backupFileName,
  restoreDatabase
} from '../services/backup/backup.service.ts';
import { runCluster } from './cluster.ts';
import { seedDemo } from './demo.ts';
import { closeOnSignals, createLogger, openMigrated, startGuildhall } from './start.ts';
import { createJobQueue } from '../jobs/create-job-queue.ts';

const HELP = `guildhall — a home for technical communities

Usage: guildhall <command> [options]

Commands:
  start                     migrate the database, then serve (API, pages, jobs) on PORT;
                            with WORKERS=N (PostgreSQL only) N app processes share PORT
  migrate                   bring the database schema up to date and exit
  create-admin --email E --name N [--password P]
                            create (or promote) a verified instance admin; the password may
                            also come from GUILDHALL_ADMIN_PASSWORD
  create-user --email E --name N [--password P]
                            create a verified account (no admin rights), e.g. on an instance
                            whose registration is closed; the password may also come from
                            GUILDHALL_USER_PASSWORD
  backup [file]             write a backup of the database, while Guildhall may keep running
                            (default: BACKUP_DIR/guildhall-<time>.db, or .dump with pg_dump
                            on PostgreSQL)
  restore <file>            replace the database's content with a backup, check it and migrate
                            it; stop Guildhall first
  demo                      start with demo data (in DATA_DIR, default ./data/demo) and print logins
  help                      show this text

Configuration comes from the environment (DATABASE_URL, BASE_URL, PORT, DATA_DIR, SMTP_URL, …);
see the README.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  const [command = 'help', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(
      command === 'demo' ? { DATA_DIR: 'data/demo', ...process.env } : process.env
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  // Workers of a cluster log which one they are; pino adds the pid anyway.
  const logger = cluster.isWorker
    ? createLogger(config).child({ worker: cluster.worker?.id })
    : createLogger(config);

  switch (command) {
    case 'start':
    case 'demo': {
      if (command === 'start' && cluster.isPrimary && config.workers > 1) {
        await runCluster(config, logger);
        return -1; // the workers serve; the primary lives until shutdown
      }
      if (command === 'demo') {
        const db = await openMigrated(config, logger);
        const logins = await seedDemo(config, db, logger);
        await db.close();
        console.log(
          `\nGuildhall demo at ${config.baseUrl}\nLog in as:\n${logins.map((l) => `  ${l}`).join('\n')}\n`
        );
      }
      const running = await startGuildhall(config, logger);
      closeOnSignals(running, logger);
      return -1; // keep running
    }
    case 'migrate': {
      const db = await openMigrated(config, logger);
      await db.close();
      console.log('Database is up to date.');
      return 0;
    }
    case 'create-admin':
    case 'create-user': {
      const admin = command === 'create-admin';
      const email = values.email;
      const name = values.name ?? email?.split('@')[0];
      const password =
        values.password ??
        (admin ? process.env.GUILDHALL_ADMIN_PASSWORD : process.env.GUILDHALL_USER_PASSWORD);
      if (!email || !name || !password) {
        console.error(
          `${command} needs --email, --name and --password (or ${admin ? 'GUILDHALL_ADMIN_PASSWORD' : 'GUILDHALL_USER_PASSWORD'}).`
        );
        return 2;
      }
      const db = await openMigrated(config, logger);
      const queue = createJobQueue(db, { databaseUrl: config.databaseUrl, logger });
      try {
        const auth = createAuth({ config, db, queue, logger });
        const result = await upsertVerifiedAccount(auth, db, { email, name, password, admin });
        const what = admin ? 'admin' : 'account';
        console.log(`${result.created ? 'Created' : 'Updated'} ${what} ${email}.`);
        return 0;
      } catch (error) {
        console.error(
          `${command} failed: ${error instanceof Error ? error.message : String(error)}`
        );
        return 1;
      } finally {
        await queue.stop();
        await db.close();
      }
    }
    case 'backup': {
      const file =
        rest[0] ?? path.join(config.backups.dir, backupFileName(config.dialect, new Date()));
      const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
      try {
        const result = await backupDatabase(db, config, file);
        console.log(
          `Backup written to ${result.file} (${result.bytes.toLocaleString('en')} bytes).`
        );
        return 0;
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        return 1;
      } finally {
        await db.close();
      }
    }
    case 'restore': {
      const [file] = rest;
      if (!file) {
        console.error('restore needs a backup file: guildhall restore <file>');
        return 2;
      }
      try {
        await restoreDatabase(config, file);
      } catch (error) {
        if (!(error instanceof BackupError)) throw error;
        console.error(`Nothing was restored: ${error.message}`);
        return 1;
      }
      const db = openDatabase({ dialect: config.dialect, databaseUrl: config.databaseUrl });
      try {
        const applied = await migrateToLatest(db.kysely);
        const check = db.sqlite?.pragma('integrity_check', { simple: true }) ?? 'ok';
        if (check !== 'ok') {
          console.error(`Restored, but integrity_check says: ${JSON.stringify(check)}`);
          return 1;
        }
        console.log(
          `Restored ${path.resolve(file)}${applied.length > 0 ? ` and applied ${applied.length} migration(s)` : ''}; integrity check ok.`
        );
        return 0;
      } finally {
        await db.close();
      }
    }
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
