// A poll's results as CSV: one line per option with its votes and share, and for named polls who
// chose it. Anonymous polls have no voters column: who chose what is never stored.
import { pollResults } from '../../domain/poll.ts';
import type { Person } from '../person.service.ts';
import type { PollWithOptions } from './poll.service.ts';

/**
 * One CSV field: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@`
 * or tab is defused with an apostrophe so spreadsheets do not run it as a formula.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The results of `poll` as CSV (RFC 4180, CRLF line ends): `option,votes,percent`, plus `voters`
 * (display names joined by "; ") when `voters` is given — only ever for a named poll.
 *
 * @example
 * pollCsv(poll, null); // 'option,votes,percent\r\nYes,3,75\r\nNo,1,25\r\n'
 */
export function pollCsv(poll: PollWithOptions, voters: Map<string, Person[]> | null): string {
  const named = voters !== null && !poll.anonymous;
  const lines = [named ? 'option,votes,percent,voters' : 'option,votes,percent'];
  for (const o of pollResults(poll.options, poll.ballotCount)) {
    const fields = [csvField(o.label), csvField(o.votes), csvField(o.percent)];
    if (named) {
      fields.push(csvField((voters.get(o.id) ?? []).map((p) => p.displayName).join('; ')));
    }
    lines.push(fields.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
