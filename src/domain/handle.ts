/** A handle is what follows the @ in mentions and profile URLs: `ada-lovelace`. */
export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{1,28})[a-z0-9]$/;

/** Handles nobody may take because pages or the API use the word. */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'api',
  'app',
  'auth',
  'docs',
  'events',
  'groups',
  'guildhall',
  'help',
  'log-in',
  'log-out',
  'login',
  'logout',
  'me',
  'members',
  'moderator',
  'networks',
  'new',
  'root',
  'settings',
  'sign-up',
  'signup',
  'staff',
  'support',
  'system',
  'users'
]);

/** Whether `handle` is well-formed and not reserved. */
export function isValidHandle(handle: string): boolean {
  return HANDLE_PATTERN.test(handle) && !RESERVED_HANDLES.has(handle);
}

/**
 * A handle suggestion from a display name: ASCII letters and digits joined by dashes.
 *
 * @example
 * handleFromName('Jürgen Müller'); // 'jurgen-muller'
 */
export function handleFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  const handle = base.length >= 3 ? base : `member${base ? `-${base}` : ''}`;
  return RESERVED_HANDLES.has(handle) ? `${handle}-1` : handle;
}
