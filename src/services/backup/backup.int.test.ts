import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate.ts';
import { insertUser } from '../../test/factories.ts';
import { RecordingQueue } from '../../test/recording-queue.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../../test/test-database.ts';
import { createMeeting } from '../event.service.ts';
import { createGroup } from '../group.service.ts';
import { joinGroup } from '../membership.service.ts';
import { respond } from '../rsvp.service.ts';
import { runScheduledBackup } from './backup-jobs.ts';
import {
  backupDatabase,
  backupFileName,
  pgEnvironment,
  restoreDatabase
} from './backup.service.ts';

// The round trip backup → restore → integrity check on each database kind: what was there when
// the backup was made is there again, what came later is gone, and a file that is no backup
// changes nothing.
for (const dialect of testDialects()) {
  describe(`backups (${dialect})`, () => {
    let source: TestDatabase;
    let fresh: TestDatabase;
    const ext = dialect === 'sqlite' ? 'db' : 'dump';
    const target = (t: TestDatabase) => ({ dialect, databaseUrl: t.url });

    /** The rows a restore must bring back, in a stable order. */
    const snapshot = async (t: TestDatabase) => ({
      users: await t.db.kysely.selectFrom('users').select(['id', 'email']).orderBy('id').execute(),
      groups: await t.db.kysely.selectFrom('groups').select(['id', 'slug']).orderBy('id').execute(),
      memberships: await t.db.kysely
        .selectFrom('memberships')
        .select(['group_id', 'user_id', 'role'])
        .orderBy('user_id')
        .execute(),
      rsvps: await t.db.kysely
        .selectFrom('rsvps')
        .select(['event_id', 'user_id', 'status', 'queue_no'])
        .orderBy('user_id')
        .execute(),
      seats: await t.db.kysely
        .selectFrom('events')
        .select(['id', 'going_seats', 'waitlist_count'])
        .execute()
    });

    beforeAll(async () => {
      source = await createTestDatabase(dialect);
      fresh = await createTestDatabase(dialect);
      const db = source.db;
      const queue = new RecordingQueue();
      const owner = await insertUser(db, 'owner-1');
      const group = await createGroup(db, owner, {
        slug: 'backup-guild',
        name: 'Backup Guild',
        kind: 'meetup',
        timeZone: 'Europe/Berlin',
        visibility: 'public',
        joinPolicy: 'open'
      });
      const startsAt = new Date(Date.now() + 7 * 86_400_000);
      const meeting = await createMeeting(db, queue, group.id, owner, {
        title: 'Restore night',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 7_200_000),
        timeZone: 'Europe/Berlin',
        capacity: 1,
        publish: true
      });
      for (const id of ['ada-1', 'bob-1']) {
        await insertUser(db, id);
        await joinGroup(db, group, id, []);
        await respond(db, queue, meeting.id, id, { going: true, guests: 0 });
      }
    });

    afterAll(async () => {
      await source.dispose();
      await fresh.dispose();
    });

    it('restores a backup into an empty database: the same rows, integrity ok', async () => {
      const file = path.join(source.dataDir, `round-trip.${ext}`);
      const before = await snapshot(source);
      expect(before.rsvps.map((r) => r.status)).toEqual(['going', 'waitlisted']);
      const made = await backupDatabase(source.db, target(source), file);
      expect(made.bytes).toBeGreaterThan(0);
      expect(readdirSync(source.dataDir).filter((n) => n.endsWith('.partial'))).toEqual([]);

      await restoreDatabase(target(fresh), file);
      expect(await migrateToLatest(fresh.db.kysely)).toEqual([]);
      if (fresh.db.sqlite) {
        expect(fresh.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(fresh.db.sqlite.pragma('foreign_key_check')).toEqual([]);
      }
      expect(await snapshot(fresh)).toEqual(before);
      await expect(backupDatabase(source.db, target(source), file)).rejects.toThrow(
        /exists already/
      );
    });

    it('restoring over a database puts back what the backup held and drops what came after', async () => {
      const file = path.join(source.dataDir, `before-change.${ext}`);
      const before = await snapshot(source);
      await backupDatabase(source.db, target(source), file);
      await insertUser(source.db, 'late-1');
      await source.db.kysely.deleteFrom('rsvps').execute();
      expect(await snapshot(source)).not.toEqual(before);

      await restoreDatabase(target(source), file);
      expect(await snapshot(source)).toEqual(before);
    });

    it('leaves the database as it was when the file is no backup of this kind', async () => {
      const before = await snapshot(fresh);
      const text = path.join(fresh.dataDir, `notes.${ext}`);
      writeFileSync(text, 'these are not the rows you are looking for\n');
      await expect(restoreDatabase(target(fresh), text)).rejects.toThrow(
        dialect === 'sqlite' ? /not a SQLite database/ : /not a pg_dump archive/
      );
      await expect(
        restoreDatabase(target(fresh), path.join(fresh.dataDir, 'missing.db'))
      ).rejects.toThrow(/no such file/);
      if (dialect === 'sqlite') {
        const foreign = path.join(fresh.dataDir, 'other-app.db');
        const other = new SQLite(foreign);
        other.exec('create table notes (id integer primary key, body text)');
        other.close();
        await expect(restoreDatabase(target(fresh), foreign)).rejects.toThrow(
          /not a Guildhall backup/
        );
      }
      expect(await snapshot(fresh)).toEqual(before);
    });

    it('makes scheduled backups when one is due and keeps the newest few', async () => {
      const dir = path.join(source.dataDir, 'scheduled');
      const policy = { dir, everyHours: 24, keep: 2 };
      const day = 86_400_000;
      const t0 = new Date('2026-11-20T03:00:00Z');
      const names: string[] = [];
      for (let i = 0; i < 4; i++) {
        const at = new Date(t0.getTime() + i * day);
        const made = await runScheduledBackup(source.db, target(source), policy, at);
        expect(made?.file).toBe(path.join(dir, backupFileName(dialect, at)));
        // The file's time says when it was made (the next check compares with it).
        utimesSync(made?.file ?? '', at, at);
        names.push(path.basename(made?.file ?? ''));
        // An hour later nothing is due.
        expect(
          await runScheduledBackup(
            source.db,
            target(source),
            policy,
            new Date(at.getTime() + 3_600_000)
          )
        ).toBeNull();
      }
      expect(readdirSync(dir).sort()).toEqual(names.slice(-2));
      expect(names[0]).toBe(`guildhall-20261120T030000Z.${ext}`);
      expect(
        await runScheduledBackup(source.db, target(source), { ...policy, everyHours: 0 })
      ).toBeNull();
    });

    if (dialect === 'postgres') {
      it('says why pg_dump failed and leaves no partial file', async () => {
        const url = new URL(source.url);
        url.pathname = '/guildhall_no_such_database';
        const file = path.join(source.dataDir, 'nowhere.dump');
        await expect(
          backupDatabase(source.db, { dialect, databaseUrl: url.toString() }, file)
        ).rejects.toThrow(/pg_dump failed .*guildhall_no_such_database/s);
        expect(existsSync(file)).toBe(false);
        expect(existsSync(`${file}.partial`)).toBe(false);
      });
    }
  });
}

describe('pgEnvironment', () => {
  it('passes the connection through libpq variables, the password decoded', () => {
    expect(
      pgEnvironment('postgres://gh%40ops:p%2Fw@db.internal:6543/guild?sslmode=require')
    ).toEqual({
      PGHOST: 'db.internal',
      PGPORT: '6543',
      PGUSER: 'gh@ops',
      PGPASSWORD: 'p/w',
      PGDATABASE: 'guild',
      PGSSLMODE: 'require'
    });
  });
});
