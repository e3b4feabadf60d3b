import { describe, expect, it } from 'vitest';
import { localDateTime, zonedInstant } from './zoned-time.ts';

describe('zoned time', () => {
  it('reads a wall-clock time in the zone, on both sides of a DST change', () => {
    expect(zonedInstant('2027-01-12T19:00', 'Europe/Berlin').toISOString()).toBe(
      '2027-01-12T18:00:00.000Z'
    );
    expect(zonedInstant('2027-07-13T19:00', 'Europe/Berlin').toISOString()).toBe(
      '2027-07-13T17:00:00.000Z'
    );
  });

  it('moves a time skipped by the spring change forward, and takes the earlier of a doubled one', () => {
    expect(zonedInstant('2027-03-28T02:30', 'Europe/Berlin').toISOString()).toBe(
      '2027-03-28T01:30:00.000Z'
    );
    expect(zonedInstant('2027-10-31T02:30', 'Europe/Berlin').toISOString()).toBe(
      '2027-10-31T00:30:00.000Z'
    );
  });

  it('gives back the wall-clock time it read', () => {
    const instant = zonedInstant('2027-10-05T19:00', 'America/New_York');
    expect(localDateTime(instant, 'America/New_York')).toBe('2027-10-05T19:00');
    expect(localDateTime(instant, 'Europe/Berlin')).toBe('2027-10-06T01:00');
  });
});
