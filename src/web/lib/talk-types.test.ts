import { describe, expect, it } from 'vitest';
import { agendaInput, agendaStarts, type AgendaItem } from './talk-types.ts';

describe('agendaStarts', () => {
  it('adds up the durations from the meeting start', () => {
    expect(
      agendaStarts('2027-01-12T18:00:00.000Z', [
        { durationMinutes: 30 },
        { durationMinutes: 45 },
        { durationMinutes: 10 }
      ])
    ).toEqual([
      { offsetMinutes: 0, startsAt: '2027-01-12T18:00:00.000Z' },
      { offsetMinutes: 30, startsAt: '2027-01-12T18:30:00.000Z' },
      { offsetMinutes: 75, startsAt: '2027-01-12T19:15:00.000Z' }
    ]);
  });

  it('counts real minutes across a daylight-saving change', () => {
    // Europe/Berlin leaves summer time at 01:00 UTC on 2026-10-25.
    const starts = agendaStarts('2026-10-25T00:30:00.000Z', [
      { durationMinutes: 60 },
      { durationMinutes: 5 }
    ]);
    expect(starts[1]?.startsAt).toBe('2026-10-25T01:30:00.000Z');
  });
});

describe('agendaInput', () => {
  const base: AgendaItem = {
    id: 'i1',
    position: 0,
    kind: 'talk',
    title: 'Fast tests',
    durationMinutes: 40,
    talk: { id: 't1', title: 'Fast tests', level: 'beginner', speaker: { id: 's1', name: 'Ada' } },
    topic: null,
    moderator: { id: 'u1', displayName: 'Grace', handle: 'grace' },
    fromRound: null
  };

  it('keeps the id and what the item refers to', () => {
    expect(agendaInput(base)).toEqual({
      id: 'i1',
      kind: 'talk',
      title: 'Fast tests',
      durationMinutes: 40,
      talkId: 't1',
      moderatorId: 'u1'
    });
  });

  it('leaves out references the item does not have', () => {
    const pause: AgendaItem = { ...base, kind: 'break', talk: null, moderator: null };
    expect(agendaInput(pause)).toEqual({
      id: 'i1',
      kind: 'break',
      title: 'Fast tests',
      durationMinutes: 40
    });
  });
});
