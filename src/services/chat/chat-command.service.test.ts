import { describe, expect, it } from 'vitest';
import { escapeSlack, parseChatCommand } from './chat-command.service.ts';

describe('chat command parsing', () => {
  it('reads the four commands, case-insensitively', () => {
    expect(parseChatCommand('topics')).toEqual({ kind: 'topics' });
    expect(parseChatCommand('  TOPICS ')).toEqual({ kind: 'topics' });
    expect(parseChatCommand('help')).toEqual({ kind: 'help' });
    expect(parseChatCommand('')).toEqual({ kind: 'help' });
    expect(parseChatCommand('vote 3')).toEqual({ kind: 'vote', number: 3 });
    expect(parseChatCommand('Vote   #12')).toEqual({ kind: 'vote', number: 12 });
    expect(parseChatCommand('unvote 1')).toEqual({ kind: 'unvote', number: 1 });
  });

  it('gives no number for a missing, zero, negative or non-numeric one', () => {
    for (const text of ['vote', 'vote 0', 'vote -1', 'vote two', 'vote 1.5', 'vote 1 2']) {
      expect(parseChatCommand(text), text).toEqual({ kind: 'vote', number: null });
    }
    expect(parseChatCommand('unvote 9999999')).toEqual({ kind: 'unvote', number: null });
  });

  it('calls anything else unknown, keeping (at most 100 characters of) the text', () => {
    expect(parseChatCommand('dance now')).toEqual({ kind: 'unknown', text: 'dance now' });
    expect(parseChatCommand('topics please')).toEqual({ kind: 'unknown', text: 'topics please' });
    const long = parseChatCommand(`x${'y'.repeat(300)}`);
    expect(long.kind === 'unknown' && long.text.length).toBe(100);
  });
});

describe('escapeSlack', () => {
  it('escapes the three mrkdwn control characters', () => {
    expect(escapeSlack('<@U1> & <!channel>')).toBe('&lt;@U1&gt; &amp; &lt;!channel&gt;');
    expect(escapeSlack('plain *bold*')).toBe('plain *bold*');
  });
});
