import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENDA_KINDS,
  type AgendaKind,
  agendaTiming,
  DEFAULT_TOPIC_MINUTES,
  insertionIndex,
  minutesBetween,
  TYPICAL_MEETING_MINUTES
} from './agenda.ts';

const kinds = fc.array(fc.constantFrom(...AGENDA_KINDS), { maxLength: 20 });

describe('agendaTiming', () => {
  it('adds the durations up and tells how far the agenda runs over', () => {
    expect(agendaTiming([{ durationMinutes: 45 }, { durationMinutes: 60 }], 90)).toEqual({
      totalMinutes: 105,
      meetingMinutes: 90,
      overMinutes: 15,
      freeMinutes: 0
    });
  });

  it('tells the minutes left when it fits, and neither when it fills the meeting exactly', () => {
    expect(agendaTiming([{ durationMinutes: 30 }], TYPICAL_MEETING_MINUTES)).toEqual({
      totalMinutes: 30,
      meetingMinutes: 90,
      overMinutes: 0,
      freeMinutes: 60
    });
    expect(agendaTiming([{ durationMinutes: 60 }, { durationMinutes: 30 }], 90)).toMatchObject({
      overMinutes: 0,
      freeMinutes: 0
    });
  });

  it('leaves a whole meeting free for an empty agenda', () => {
    expect(agendaTiming([], 120)).toEqual({
      totalMinutes: 0,
      meetingMinutes: 120,
      overMinutes: 0,
      freeMinutes: 120
    });
  });

  it('never has both over-run and free minutes, and they balance the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 600 }), { maxLength: 50 }),
        fc.integer({ min: 0, max: 24 * 60 }),
        (durations, meeting) => {
          const t = agendaTiming(
            durations.map((d) => ({ durationMinutes: d })),
            meeting
          );
          expect(t.totalMinutes).toBe(durations.reduce((a, b) => a + b, 0));
          expect(Math.min(t.overMinutes, t.freeMinutes)).toBe(0);
          expect(t.totalMinutes - t.overMinutes + t.freeMinutes).toBe(meeting);
        }
      )
    );
  });
});

describe('minutesBetween', () => {
  it('counts whole minutes, rounding to the nearest', () => {
    const start = new Date('2027-03-09T18:00:00Z');
    expect(minutesBetween(start, new Date('2027-03-09T19:30:00Z'))).toBe(90);
    expect(minutesBetween(start, new Date('2027-03-09T18:00:29Z'))).toBe(0);
    expect(minutesBetween(start, new Date('2027-03-09T18:00:30Z'))).toBe(1);
    expect(minutesBetween(start, start)).toBe(0);
  });

  it('counts real minutes across a daylight saving change', () => {
    // Europe/Berlin moves from +01:00 to +02:00 at 02:00 local on 28 March 2027.
    expect(
      minutesBetween(new Date('2027-03-28T01:30:00+01:00'), new Date('2027-03-28T03:30:00+02:00'))
    ).toBe(60);
  });

  it('is negative when the end comes first', () => {
    expect(minutesBetween(new Date('2027-01-01T10:00:00Z'), new Date('2027-01-01T09:00:00Z'))).toBe(
      -60
    );
  });
});

describe('insertionIndex', () => {
  it('puts new talks and topics after the last talk or topic, before a trailing break', () => {
    expect(insertionIndex([])).toBe(0);
    expect(insertionIndex(['talk'])).toBe(1);
    expect(insertionIndex(['talk', 'networking'])).toBe(1);
    expect(insertionIndex(['break'])).toBe(0);
    expect(insertionIndex(['break', 'networking'])).toBe(0);
    expect(insertionIndex(['talk', 'topic', 'break', 'networking'])).toBe(2);
    // A break between talks stays where it is; only the trailing block is kept at the end.
    expect(insertionIndex(['talk', 'break', 'topic'])).toBe(3);
    expect(insertionIndex(['talk', 'break', 'topic', 'break', 'networking'])).toBe(3);
    expect(insertionIndex(['networking', 'talk'])).toBe(2);
  });

  it('always lands right after a talk or topic (or at the start) with only breaks behind it', () => {
    fc.assert(
      fc.property(kinds, (existing: AgendaKind[]) => {
        const index = insertionIndex(existing);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThanOrEqual(existing.length);
        const before = existing[index - 1];
        if (index > 0) expect(['talk', 'topic']).toContain(before);
        for (const after of existing.slice(index)) {
          expect(['break', 'networking']).toContain(after);
        }
      })
    );
  });

  it('keeps the order of what is there when an item is inserted', () => {
    fc.assert(
      fc.property(kinds, (existing: AgendaKind[]) => {
        const index = insertionIndex(existing);
        const next: AgendaKind[] = [...existing.slice(0, index), 'topic', ...existing.slice(index)];
        expect(next.filter((_, i) => i !== index)).toEqual(existing);
        // A second topic goes right after the first.
        expect(insertionIndex(next)).toBe(index + 1);
      })
    );
  });
});

describe('agenda constants', () => {
  it('names the four kinds and a topic length that fits a typical meeting', () => {
    expect(AGENDA_KINDS).toEqual(['talk', 'topic', 'break', 'networking']);
    expect(DEFAULT_TOPIC_MINUTES).toBeGreaterThan(0);
    expect(DEFAULT_TOPIC_MINUTES).toBeLessThan(TYPICAL_MEETING_MINUTES);
  });
});
