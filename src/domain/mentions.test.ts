import { describe, expect, it } from 'vitest';
import { extractMentions, MAX_MENTIONS } from './mentions.ts';

describe('extractMentions', () => {
  it('finds handles in order, lower-cased and deduplicated', () => {
    expect(extractMentions('Thanks @Ada and @bob-smith, and @ada again!')).toEqual([
      'ada',
      'bob-smith'
    ]);
  });

  it('reads mentions at the start, in brackets and before punctuation', () => {
    expect(extractMentions('@ada: see (@bob_b). Also @carl.')).toEqual(['ada', 'bob_b', 'carl']);
  });

  it('ignores email addresses and URLs', () => {
    expect(extractMentions('Mail ada@example.com or see https://x.example/@bob')).toEqual([]);
  });

  it('ignores code spans and code blocks', () => {
    const text = 'Use `@ada` or\n\n```\n@bob\n```\n\n    @carl in indented code\n\nbut @dora';
    expect(extractMentions(text)).toEqual(['dora']);
  });

  it('skips what is not a valid handle: too short, too long, reserved', () => {
    expect(extractMentions(`@ab @admin @${'a'.repeat(31)} @abc`)).toEqual(['abc']);
  });

  it('does not cut a longer word into a handle', () => {
    expect(extractMentions('@ada.lovelace and @bob-')).toEqual(['bob']);
  });

  it('keeps at most MAX_MENTIONS', () => {
    const text = Array.from({ length: 30 }, (_, i) => `@user${i}`).join(' ');
    const found = extractMentions(text);
    expect(found).toHaveLength(MAX_MENTIONS);
    expect(found[0]).toBe('user0');
  });
});
