import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects } from '../test/test-database.ts';

const run = promisify(execFile);
const main = path.join(import.meta.dirname, 'main.ts');

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [main, ...args], {
      // Vitest puts Vite's BASE_URL ('/') into process.env; the CLI must not inherit it.
      env: { ...process.env, BASE_URL: '', LOG_LEVEL: 'warn', ...env }
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('guildhall CLI', () => {
  it('migrates an empty SQLite file, creates an admin, and backs up to a file that passes integrity_check', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guildhall-cli-'));
    const env = { DATA_DIR: dir };
    const migrated = await cli(['migrate'], env);
    expect(migrated.stdout, migrated.stderr).toMatch(/up to date/);
    const weak = await cli(
      ['create-admin', '--email', 'root@example.com', '--name', 'Root', '--password', 'password'],
      env
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/common/);
    const created = await cli(
      [
        'create-admin',
        '--email',
        'root@example.com',
        '--name',
        'Root',
        '--password',
        'plum-tree-harbour-42'
      ],
      env
    );
    expect(created.stdout).toMatch(/Created admin root@example.com/);
    const backup = path.join(dir, 'backup.db');
    expect((await cli(['backup', backup], env)).stdout).toMatch(/Backup written/);
    const copy = new SQLite(backup, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('select email, is_admin, email_verified from users').all()).toEqual([
      { email: 'root@example.com', is_admin: 1, email_verified: 1 }
    ]);
    copy.close();
  });

  it('creates a verified account without admin rights, and needs a password for it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guildhall-cli-'));
    const env = { DATA_DIR: dir };
    const missing = await cli(['create-user', '--email', 'ada@example.com'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/create-user needs --email, --name and --password/);
    // The first account of an instance is its admin; the next ones are not.
    const admin = await cli(
      [
        'create-admin',
        '--email',
        'root@example.com',
        '--name',
        'Root',
        '--password',
        'plum-tree-harbour-42'
      ],
      env
    );
    expect(admin.code, admin.stderr).toBe(0);
    const created = await cli(
      [
        'create-user',
        '--email',
        'ada@example.com',
        '--name',
        'Ada',
        '--password',
        'plum-tree-harbour-42'
      ],
      env
    );
    expect(created.stdout, created.stderr).toMatch(/Created account ada@example.com/);
    const db = new SQLite(path.join(dir, 'guildhall.db'), { readonly: true });
    expect(
      db.prepare('select name, is_admin, email_verified from users order by name').all()
    ).toEqual([
      { name: 'Ada', is_admin: 0, email_verified: 1 },
      { name: 'Root', is_admin: 1, email_verified: 1 }
    ]);
    db.close();
  });

  it('refuses a bad configuration with one message per variable and exit code 2', async () => {
    const result = await cli(['migrate'], {
      PORT: 'eighty',
      SMTP_URL: 'nope',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'g-'))
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PORT: must be a whole number/);
    expect(result.stderr).toMatch(/SMTP_URL: must be smtp:/);
  });

  for (const dialect of testDialects()) {
    it(`backs up and restores on ${dialect}: the account made after the backup is gone, and a wrong file restores nothing`, async () => {
      const empty = await createTestDatabase(dialect);
      try {
        const env = {
          DATABASE_URL: dialect === 'sqlite' ? `sqlite:${empty.url}` : empty.url,
          DATA_DIR: empty.dataDir
        };
        expect((await cli(['migrate'], env)).code).toBe(0);
        const account = (email: string) =>
          cli(
            [
              'create-user',
              '--email',
              email,
              '--name',
              'Kept',
              '--password',
              'plum-tree-harbour-42'
            ],
            env
          );
        expect((await account('kept@example.com')).code).toBe(0);
        // Without a file name the backup goes to BACKUP_DIR (default DATA_DIR/backups).
        const backup = await cli(['backup'], env);
        expect(backup.stdout, backup.stderr).toMatch(
          /Backup written to .*backups\/guildhall-\d{8}T\d{6}Z\.(db|dump)/
        );
        const file = /Backup written to (\S+) /.exec(backup.stdout)?.[1] ?? '';
        expect((await account('late@example.com')).code).toBe(0);

        const wrong = path.join(empty.dataDir, 'notes.txt');
        writeFileSync(wrong, 'not a backup');
        const refused = await cli(['restore', wrong], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/Nothing was restored/);
        expect((await cli(['restore'], env)).code).toBe(2);

        const restored = await cli(['restore', file], env);
        expect(restored.stdout, restored.stderr).toMatch(/integrity check ok/);
        const emails = await empty.db.kysely.selectFrom('users').select('email').execute();
        expect(emails.map((u) => u.email)).toEqual(['kept@example.com']);
      } finally {
        await empty.dispose();
      }
    });
  }
});
