import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BASE_URL, DATA_DIR } from './server.ts';

/**
 * Decodes a quoted-printable body: soft line breaks (`=\r\n`) are removed and `=XX` escapes become
 * bytes, read as UTF-8.
 *
 * @example
 * decodeQuotedPrintable('token=3Dab=\r\ncd'); // 'token=abcd'
 */
export function decodeQuotedPrintable(input: string): string {
  const joined = input.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined.charAt(i), 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

async function mailFilesNewestFirst(): Promise<string[]> {
  const dir = path.join(DATA_DIR, 'mail');
  try {
    const names = await readdir(dir);
    // File names start with an ISO time stamp, so they sort by time.
    return names
      .filter((name) => name.endsWith('.eml'))
      .sort()
      .reverse()
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/**
 * Waits for the newest mail to `to` (mails are sent by a background job) and returns the first link
 * to `${BASE_URL}${pathname}` in it.
 */
export async function linkFromNewestMail(
  to: string,
  pathname: '/verify-email' | '/reset-password',
  options: { timeoutMs?: number; newerThan?: string } = {}
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const pattern = new RegExp(`${BASE_URL}${pathname}\\?token=[^\\s"'<>]+`);
  for (;;) {
    for (const file of await mailFilesNewestFirst()) {
      if (options.newerThan && path.basename(file) <= options.newerThan) break;
      const raw = await readFile(file, 'utf8');
      if (!raw.toLowerCase().includes(to.toLowerCase())) continue;
      const match = pattern.exec(decodeQuotedPrintable(raw));
      if (match) return match[0].replaceAll('&amp;', '&');
    }
    if (Date.now() > deadline) {
      throw new Error(`No mail to ${to} with a ${pathname} link in ${DATA_DIR}/mail`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits for a mail to `to` whose decoded text contains `text` (mails are sent by a background job)
 * and returns that text.
 */
export async function mailContaining(
  to: string,
  text: string,
  options: { timeoutMs?: number } = {}
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    for (const file of await mailFilesNewestFirst()) {
      const raw = await readFile(file, 'utf8');
      if (!raw.toLowerCase().includes(to.toLowerCase())) continue;
      const decoded = decodeQuotedPrintable(raw);
      if (decoded.includes(text)) return decoded;
    }
    if (Date.now() > deadline) {
      throw new Error(`No mail to ${to} saying "${text}" in ${DATA_DIR}/mail`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
