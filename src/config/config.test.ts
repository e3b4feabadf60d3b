import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'guildhall-config-'));

describe('configuration', () => {
  it('defaults to SQLite under the data directory, port 3000, and a generated secret it keeps', () => {
    const dir = fresh();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      dialect: 'sqlite',
      databaseUrl: path.join(dir, 'guildhall.db'),
      port: 3000,
      baseUrl: 'http://localhost:3000',
      smtpUrl: undefined
    });
    expect(config.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, 'secret'), 'utf8').trim()).toBe(config.secret);
    expect(statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dir }).secret).toBe(config.secret);
  });

  it('reads PostgreSQL, base URL, port and SMTP from the environment', () => {
    const config = loadConfig({
      DATA_DIR: fresh(),
      DATABASE_URL: 'postgres://guild@db:5432/guildhall',
      BASE_URL: 'https://guild.example.com/',
      PORT: '8080',
      SMTP_URL: 'smtp://user:pw@mail.example.com:587',
      SECRET: 's'.repeat(40)
    });
    expect(config).toMatchObject({
      dialect: 'postgres',
      databaseUrl: 'postgres://guild@db:5432/guildhall',
      baseUrl: 'https://guild.example.com',
      port: 8080,
      smtpUrl: 'smtp://user:pw@mail.example.com:587',
      secret: 's'.repeat(40)
    });
  });

  it('reads a recovery limit as requests per minutes, and refuses anything else', () => {
    expect(loadConfig({ DATA_DIR: fresh() }).recoveryLimit).toBeUndefined();
    expect(loadConfig({ DATA_DIR: fresh(), RECOVERY_LIMIT: '30/15' }).recoveryLimit).toEqual({
      max: 30,
      windowMs: 900_000
    });
    for (const bad of ['5', '0/15', 'five/15']) {
      expect(() => loadConfig({ DATA_DIR: fresh(), RECOVERY_LIMIT: bad }), bad).toThrow(
        /RECOVERY_LIMIT: must be requests\/minutes/
      );
    }
  });

  it('reads a log-in limit as attempts per minutes, and refuses anything else', () => {
    expect(loadConfig({ DATA_DIR: fresh() }).logInLimit).toBeUndefined();
    expect(loadConfig({ DATA_DIR: fresh(), LOG_IN_LIMIT: '60/5' }).logInLimit).toEqual({
      max: 60,
      windowMs: 300_000
    });
    for (const bad of ['10', '0/5', '10/0', 'ten/5', '10/5/1', '-1/5']) {
      expect(() => loadConfig({ DATA_DIR: fresh(), LOG_IN_LIMIT: bad }), bad).toThrow(
        /LOG_IN_LIMIT: must be attempts\/minutes/
      );
    }
  });

  it('reads OUTBOUND_ALLOW as host:port pairs, empty by default, and refuses anything else', () => {
    expect(loadConfig({ DATA_DIR: fresh() }).outboundAllow).toEqual([]);
    expect(
      loadConfig({
        DATA_DIR: fresh(),
        OUTBOUND_ALLOW: 'hooks.internal:8443, 127.0.0.1:9000,[::1]:80'
      }).outboundAllow
    ).toEqual(['hooks.internal:8443', '127.0.0.1:9000', '[::1]:80']);
    for (const bad of ['localhost', 'http://x:80', 'x:0', 'x:70000', 'a:1,,b:2', 'user@x:80']) {
      expect(() => loadConfig({ DATA_DIR: fresh(), OUTBOUND_ALLOW: bad }), bad).toThrow(
        /OUTBOUND_ALLOW: must be comma-separated host:port pairs/
      );
    }
  });

  it('runs one app process by default, several on PostgreSQL, and refuses several on SQLite', () => {
    expect(loadConfig({ DATA_DIR: fresh() }).workers).toBe(1);
    const pg = { DATA_DIR: fresh(), DATABASE_URL: 'postgres://guild@db:5432/guildhall' };
    expect(loadConfig({ ...pg, WORKERS: '4' }).workers).toBe(4);
    expect(loadConfig({ DATA_DIR: fresh(), WORKERS: '1' }).workers).toBe(1);
    expect(() => loadConfig({ DATA_DIR: fresh(), WORKERS: '2' })).toThrow(
      /WORKERS: must be 1 with SQLite.*postgres:\/\//
    );
    for (const bad of ['0', '-1', '1.5', 'two', '65']) {
      expect(() => loadConfig({ ...pg, WORKERS: bad }), bad).toThrow(
        /WORKERS: must be a whole number between 1 and 64/
      );
    }
  });

  it('takes a metrics token of at least 32 characters, and none by default', () => {
    expect(loadConfig({ DATA_DIR: fresh() }).metricsToken).toBeUndefined();
    const token = 'm'.repeat(32);
    expect(loadConfig({ DATA_DIR: fresh(), METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(() => loadConfig({ DATA_DIR: fresh(), METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 32 characters/
    );
  });

  it('backs up daily into DATA_DIR/backups keeping 7 by default, as configured, or not at all', () => {
    const dir = fresh();
    expect(loadConfig({ DATA_DIR: dir }).backups).toEqual({
      dir: path.join(dir, 'backups'),
      everyHours: 24,
      keep: 7
    });
    expect(
      loadConfig({
        DATA_DIR: dir,
        BACKUP_DIR: '/srv/backups',
        BACKUP_EVERY_HOURS: '6',
        BACKUP_KEEP: '28'
      }).backups
    ).toEqual({ dir: '/srv/backups', everyHours: 6, keep: 28 });
    expect(loadConfig({ DATA_DIR: dir, BACKUP_EVERY_HOURS: '0' }).backups.everyHours).toBe(0);
    for (const bad of ['-1', '1.5', 'daily', '721']) {
      expect(() => loadConfig({ DATA_DIR: dir, BACKUP_EVERY_HOURS: bad }), bad).toThrow(
        /BACKUP_EVERY_HOURS: must be a whole number of hours between 0/
      );
    }
    for (const bad of ['0', 'all', '1001']) {
      expect(() => loadConfig({ DATA_DIR: dir, BACKUP_KEEP: bad }), bad).toThrow(
        /BACKUP_KEEP: must be a whole number of backups between 1 and 1000/
      );
    }
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: fresh(),
        DATABASE_URL: 'mysql://nope',
        BASE_URL: 'ftp://x',
        PORT: 'eighty',
        SMTP_URL: 'mail.example.com',
        SECRET: 'short',
        LOG_LEVEL: 'loud'
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems.sort()).toEqual([
      'BASE_URL',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'SECRET',
      'SMTP_URL'
    ]);
    expect((error as ConfigError).message).toMatch(
      /PORT: must be a whole number between 1 and 65535/
    );
  });
});
