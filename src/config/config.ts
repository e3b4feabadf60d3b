import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Everything Guildhall reads from its environment, validated once at start. */
export interface Config {
  /** `sqlite` for the embedded default, `postgres` when DATABASE_URL is a postgres:// URL. */
  dialect: 'sqlite' | 'postgres';
  /** For SQLite: the file path; for PostgreSQL: the connection string. */
  databaseUrl: string;
  /** Public origin people reach Guildhall at, e.g. `https://guild.example.com` (no trailing slash). */
  baseUrl: string;
  port: number;
  host: string;
  dataDir: string;
  /** `smtp://user:pass@host:port` or `smtps://…`; undefined writes mails as .eml files under dataDir/mail. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** At least 32 characters; signs sessions and tokens. */
  secret: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Trust X-Forwarded-* from a reverse proxy in front of Guildhall. */
  trustProxy: boolean;
  /**
   * Log-in attempts one IP address may make per window (`LOG_IN_LIMIT=10/5`: 10 per 5 minutes);
   * raise it when many people share one address (an office behind NAT). Undefined: the default.
   */
  logInLimit: { max: number; windowMs: number } | undefined;
  /**
   * Verification, password-reset and resend requests one IP address may make per window
   * (`RECOVERY_LIMIT=5/15`: 5 per 15 minutes). Undefined: the default.
   */
  recoveryLimit: { max: number; windowMs: number } | undefined;
  /**
   * `host:port` pairs outbound requests (link previews, webhooks) may reach even though they are
   * on a private or loopback address (`OUTBOUND_ALLOW=hooks.internal:8443,127.0.0.1:9000`).
   * Everything else private stays refused. Empty by default.
   */
  outboundAllow: string[];
  /**
   * App processes `guildhall start` runs (`WORKERS=4`): more than one forks that many workers that
   * share PORT (node:cluster). PostgreSQL only — on SQLite realtime lives in one process and the
   * database has one writer. Default 1.
   */
  workers: number;
  /**
   * Bearer token Prometheus must send for /metrics (METRICS_TOKEN). Unset: only loopback and
   * private-network addresses may read /metrics.
   */
  metricsToken: string | undefined;
  /**
   * Scheduled backups (BACKUP_DIR, default DATA_DIR/backups; BACKUP_EVERY_HOURS, default 24, 0 for
   * none; BACKUP_KEEP, default 7): a backup when the newest is that old, the newest few kept.
   */
  backups: { dir: string; everyHours: number; keep: number };
}

/** One message per bad environment variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** One `OUTBOUND_ALLOW` entry: a host name, IPv4 or [IPv6] address, and a port. */
const ALLOW_ENTRY = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;
const portOk = (entry: string) => {
  const port = Number(entry.trim().slice(entry.trim().lastIndexOf(':') + 1));
  return port >= 1 && port <= 65535;
};

/** More app processes than this on one machine only adds database connections, not throughput. */
const MAX_WORKERS = 64;

const env = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => v === '' || /^(postgres|postgresql):\/\//.test(v) || /^(sqlite|file):/.test(v), {
      message:
        'must be a postgres://user@host:port/db URL or sqlite:path/to/file.db (leave unset for ./data/guildhall.db)'
    })
    .optional(),
  BASE_URL: z
    .url({
      protocol: /^https?$/,
      message: 'must be an http(s) URL such as https://guild.example.com'
    })
    .optional(),
  PORT: z.coerce
    .number({ message: 'must be a whole number between 1 and 65535' })
    .int({ message: 'must be a whole number between 1 and 65535' })
    .min(0, { message: 'must be a whole number between 1 and 65535' })
    .max(65535, { message: 'must be a whole number between 1 and 65535' })
    .optional(),
  HOST: z.string().trim().min(1, { message: 'must not be empty' }).optional(),
  DATA_DIR: z.string().trim().min(1, { message: 'must not be empty' }).optional(),
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => v === '' || /^smtps?:\/\/[^/]+/.test(v), {
      message:
        'must be smtp://user:password@host:port or smtps://… (leave unset to write mails to files)'
    })
    .optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3, { message: 'must be an address like "Guildhall <noreply@example.com>"' })
    .optional(),
  SECRET: z
    .string()
    .min(32, { message: 'must be at least 32 characters (leave unset to generate one)' })
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent'
    })
    .optional(),
  TRUST_PROXY: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  LOG_IN_LIMIT: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,5}\/[1-9]\d{0,3}$/, {
      message: 'must be attempts/minutes, such as 10/5 (10 log-in attempts per 5 minutes per IP)'
    })
    .optional(),
  RECOVERY_LIMIT: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,5}\/[1-9]\d{0,3}$/, {
      message:
        'must be requests/minutes, such as 5/15 (5 verification or password-reset requests per 15 minutes per IP)'
    })
    .optional(),
  OUTBOUND_ALLOW: z
    .string()
    .trim()
    .refine((v) => v.split(',').every((e) => ALLOW_ENTRY.test(e.trim()) && portOk(e)), {
      message:
        'must be comma-separated host:port pairs, such as hooks.internal:8443,127.0.0.1:9000 (leave unset to allow no private addresses)'
    })
    .optional(),
  METRICS_TOKEN: z
    .string()
    .trim()
    .min(32, {
      message: 'must be at least 32 characters (leave unset to allow private addresses only)'
    })
    .optional(),
  BACKUP_DIR: z.string().trim().optional(),
  BACKUP_EVERY_HOURS: z.coerce
    .number({ message: 'must be a whole number of hours between 0 (no scheduled backups) and 720' })
    .int({ message: 'must be a whole number of hours between 0 (no scheduled backups) and 720' })
    .min(0, { message: 'must be a whole number of hours between 0 (no scheduled backups) and 720' })
    .max(720, {
      message: 'must be a whole number of hours between 0 (no scheduled backups) and 720'
    })
    .optional(),
  BACKUP_KEEP: z.coerce
    .number({ message: 'must be a whole number of backups between 1 and 1000' })
    .int({ message: 'must be a whole number of backups between 1 and 1000' })
    .min(1, { message: 'must be a whole number of backups between 1 and 1000' })
    .max(1000, { message: 'must be a whole number of backups between 1 and 1000' })
    .optional(),
  WORKERS: z.coerce
    .number({ message: `must be a whole number between 1 and ${MAX_WORKERS}` })
    .int({ message: `must be a whole number between 1 and ${MAX_WORKERS}` })
    .min(1, { message: `must be a whole number between 1 and ${MAX_WORKERS}` })
    .max(MAX_WORKERS, { message: `must be a whole number between 1 and ${MAX_WORKERS}` })
    .optional()
});

/**
 * Reads and validates the configuration from `source` (normally `process.env`).
 * Creates the data directory and, on first start, a secret kept in `<dataDir>/secret`.
 *
 * @example
 * const config = loadConfig({ PORT: '8080' });
 * config.port; // 8080
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = env.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR ?? 'data');
  const port = e.PORT ?? 3000;
  let dialect: Config['dialect'] = 'sqlite';
  let databaseUrl = path.join(dataDir, 'guildhall.db');
  if (e.DATABASE_URL && /^postgres/.test(e.DATABASE_URL)) {
    dialect = 'postgres';
    databaseUrl = e.DATABASE_URL;
  } else if (e.DATABASE_URL) {
    databaseUrl = path.resolve(e.DATABASE_URL.replace(/^(sqlite|file):(\/\/)?/, ''));
  }
  const workers = e.WORKERS ?? 1;
  if (workers > 1 && dialect === 'sqlite') {
    throw new ConfigError([
      'WORKERS: must be 1 with SQLite (one process owns the database file and its live updates); set DATABASE_URL to a postgres:// URL to run several app processes'
    ]);
  }
  mkdirSync(dataDir, { recursive: true });
  return {
    dialect,
    databaseUrl,
    baseUrl: (e.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    port,
    host: e.HOST ?? '0.0.0.0',
    dataDir,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'Guildhall <noreply@localhost>',
    secret: e.SECRET ?? readOrCreateSecret(dataDir),
    logLevel: e.LOG_LEVEL ?? 'info',
    trustProxy: e.TRUST_PROXY === 'true',
    logInLimit: e.LOG_IN_LIMIT ? parseLimit(e.LOG_IN_LIMIT) : undefined,
    recoveryLimit: e.RECOVERY_LIMIT ? parseLimit(e.RECOVERY_LIMIT) : undefined,
    outboundAllow: e.OUTBOUND_ALLOW ? e.OUTBOUND_ALLOW.split(',').map((v) => v.trim()) : [],
    workers,
    metricsToken: e.METRICS_TOKEN,
    backups: {
      dir: path.resolve(dataDir, e.BACKUP_DIR ?? 'backups'),
      everyHours: e.BACKUP_EVERY_HOURS ?? 24,
      keep: e.BACKUP_KEEP ?? 7
    }
  };
}

/** `attempts/minutes` (checked by the schema) as a limit. */
function parseLimit(value: string): { max: number; windowMs: number } {
  const [max = '0', minutes = '0'] = value.split('/');
  return { max: Number(max), windowMs: Number(minutes) * 60_000 };
}

function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
