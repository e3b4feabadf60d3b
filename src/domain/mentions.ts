import { isValidHandle } from './handle.ts';

/** The most mentions one post or comment records; later ones are ignored. */
export const MAX_MENTIONS = 20;

/** Fenced code blocks (``` or ~~~), indented code blocks and inline code spans. */
const CODE =
  /^(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))|^(?: {4}|\t)[^\n]*$|(`+)[\s\S]*?\2/gm;

/**
 * A mention is `@handle` not preceded by a word character, `.`, `-`, `/` or another `@` (so
 * `ada@example.com` and `x/@y` are not mentions) and not followed by more handle characters.
 */
const MENTION =
  /(?<![\p{L}\p{N}_.@/+-])@([a-z0-9][a-z0-9_-]*[a-z0-9])(?![\p{L}\p{N}_@]|[-.][\p{L}\p{N}])/giu;

/**
 * The handles named by `@handle` in markdown `text`, lower-cased, in order of first appearance,
 * deduplicated, at most `MAX_MENTIONS`. Code spans and code blocks do not mention anyone, nor do
 * email addresses; what is not a valid handle (too short, reserved) is skipped.
 *
 * @example
 * extractMentions('Thanks @Ada and @bob-smith! Mail ada@example.com, `@not`'); // ['ada', 'bob-smith']
 */
export function extractMentions(text: string): string[] {
  const prose = text.replace(CODE, (match) => ' '.repeat(match.length));
  const handles: string[] = [];
  for (const match of prose.matchAll(MENTION)) {
    const handle = (match[1] ?? '').toLowerCase();
    if (!isValidHandle(handle) || handles.includes(handle)) continue;
    handles.push(handle);
    if (handles.length === MAX_MENTIONS) break;
  }
  return handles;
}
