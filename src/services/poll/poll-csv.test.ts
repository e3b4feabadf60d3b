import { describe, expect, it } from 'vitest';
import type { PollWithOptions } from './poll.service.ts';
import { csvField, pollCsv } from './poll-csv.ts';

const poll = (anonymous: boolean): PollWithOptions => ({
  id: 'p1',
  groupId: 'g1',
  eventId: null,
  question: 'Q?',
  choice: 'multiple',
  anonymous,
  results: 'live',
  status: 'closed',
  closesAt: null,
  openedAt: null,
  closedAt: null,
  ballotCount: 2,
  createdBy: null,
  createdAt: new Date(0),
  options: [
    { id: 'a', label: 'Say "hi"', votes: 2 },
    { id: 'b', label: 'Line\nbreak', votes: 1 }
  ]
});

const voters = new Map([
  [
    'a',
    [
      { id: 'u1', displayName: 'Ada', handle: 'ada' },
      { id: 'u2', displayName: 'Bo', handle: 'bo' }
    ]
  ],
  ['b', [{ id: 'u2', displayName: 'Bo', handle: 'bo' }]]
]);

describe('csvField', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField(-2)).toBe('-2');
    expect(csvField('@cmd,x')).toBe('"\'@cmd,x"');
  });
});

describe('pollCsv', () => {
  it('lists voters of a named poll', () => {
    expect(pollCsv(poll(false), voters)).toBe(
      'option,votes,percent,voters\r\n"Say ""hi""",2,100,Ada; Bo\r\n"Line\nbreak",1,50,Bo\r\n'
    );
  });

  it('never has a voters column for an anonymous poll, even when handed voters', () => {
    const csv = pollCsv(poll(true), voters);
    expect(csv).toBe('option,votes,percent\r\n"Say ""hi""",2,100\r\n"Line\nbreak",1,50\r\n');
    expect(csv).not.toContain('Ada');
  });
});
