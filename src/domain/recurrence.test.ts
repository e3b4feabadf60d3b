import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  DURATION_MAX_MINUTES,
  INTERVAL_MAX,
  WEEKDAYS,
  WEEKS_OF_MONTH,
  RecurrenceError,
  firstOccurrenceDate,
  fromRRule,
  normalizeRecurrence,
  occurrences,
  splitAt,
  toRRule,
  type Occurrence,
  type Recurrence
} from './recurrence.ts';

const secondTuesday: Recurrence = {
  frequency: 'monthly',
  interval: 1,
  weekday: 'TU',
  weekOfMonth: 2,
  startDate: '2027-01-01',
  startTime: '19:00',
  durationMinutes: 120,
  timeZone: 'Europe/Berlin'
};

const year2027 = { from: new Date('2027-01-01T00:00Z'), to: new Date('2028-01-01T00:00Z') };

function local(d: Date, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(timeZone);
}

function starts(list: Occurrence[]): string[] {
  return list.map((o) => o.start.toISOString().replace(':00.000Z', 'Z'));
}

function dates(list: Occurrence[]): string[] {
  return list.map((o) => o.date);
}

describe('recurrence: monthly on the nth weekday', () => {
  it('2nd Tuesday at 19:00 Berlin stays 19:00 local across both DST changes of 2027', () => {
    const list = occurrences(secondTuesday, year2027);
    expect(list).toHaveLength(12);
    for (const o of list) {
      const start = local(o.start, 'Europe/Berlin');
      expect(start.dayOfWeek).toBe(2);
      expect(Math.ceil(start.day / 7)).toBe(2);
      expect(start.toPlainTime().toString()).toBe('19:00:00');
      expect(start.toPlainDate().toString()).toBe(o.date);
      expect(o.end.getTime() - o.start.getTime()).toBe(120 * 60_000);
    }
    // CET (UTC+1) until 28 March, CEST (UTC+2) until 31 October.
    expect(starts(list)).toEqual([
      '2027-01-12T18:00Z',
      '2027-02-09T18:00Z',
      '2027-03-09T18:00Z',
      '2027-04-13T17:00Z',
      '2027-05-11T17:00Z',
      '2027-06-08T17:00Z',
      '2027-07-13T17:00Z',
      '2027-08-10T17:00Z',
      '2027-09-14T17:00Z',
      '2027-10-12T17:00Z',
      '2027-11-09T18:00Z',
      '2027-12-14T18:00Z'
    ]);
  });

  it('every 2 months on the first Thursday counts months from the start month', () => {
    const r: Recurrence = {
      ...secondTuesday,
      interval: 2,
      weekday: 'TH',
      weekOfMonth: 1,
      startDate: '2027-01-15' // January's first Thursday (7th) is already past
    };
    expect(dates(occurrences(r, year2027))).toEqual([
      '2027-03-04',
      '2027-05-06',
      '2027-07-01',
      '2027-09-02',
      '2027-11-04'
    ]);
  });

  it('last Friday of the month', () => {
    const r: Recurrence = { ...secondTuesday, weekday: 'FR', weekOfMonth: -1 };
    const list = occurrences(r, year2027);
    expect(dates(list)).toEqual([
      '2027-01-29',
      '2027-02-26',
      '2027-03-26',
      '2027-04-30',
      '2027-05-28',
      '2027-06-25',
      '2027-07-30',
      '2027-08-27',
      '2027-09-24',
      '2027-10-29',
      '2027-11-26',
      '2027-12-31'
    ]);
    for (const o of list) {
      const day = Temporal.PlainDate.from(o.date);
      expect(day.dayOfWeek).toBe(5);
      expect(day.add({ days: 7 }).month).not.toBe(day.month);
    }
  });

  it('is cheap for a window far from the start date', () => {
    const r: Recurrence = { ...secondTuesday, startDate: '2001-01-01' };
    const list = occurrences(r, {
      from: new Date('2040-01-01T00:00Z'),
      to: new Date('2040-07-01T00:00Z')
    });
    expect(dates(list)).toEqual([
      '2040-01-10',
      '2040-02-14',
      '2040-03-13',
      '2040-04-10',
      '2040-05-08',
      '2040-06-12'
    ]);
  });
});

describe('recurrence: weekly', () => {
  const fridays: Recurrence = {
    frequency: 'weekly',
    interval: 1,
    weekday: 'FR',
    startDate: '2027-03-01',
    startTime: '15:00',
    durationMinutes: 90,
    timeZone: 'America/New_York'
  };

  it('every Friday at 15:00, across New York’s March change', () => {
    const list = occurrences(fridays, {
      from: new Date('2027-03-01T00:00Z'),
      to: new Date('2027-04-01T00:00Z')
    });
    // EST (UTC−5) until 14 March, then EDT (UTC−4).
    expect(starts(list)).toEqual([
      '2027-03-05T20:00Z',
      '2027-03-12T20:00Z',
      '2027-03-19T19:00Z',
      '2027-03-26T19:00Z'
    ]);
  });

  it('every 2 weeks keeps the rhythm of the first meeting, whatever the window', () => {
    const r: Recurrence = { ...fridays, interval: 2 };
    const all = occurrences(r, {
      from: new Date('2027-01-01T00:00Z'),
      to: new Date('2028-01-01T00:00Z')
    });
    expect(all[0]?.date).toBe('2027-03-05');
    for (let i = 1; i < all.length; i++) {
      const days = Temporal.PlainDate.from(all[i - 1]?.date ?? '').until(all[i]?.date ?? '').days;
      expect(days).toBe(14);
    }
    // A window opening between two meetings sees the same meetings, not a shifted rhythm.
    const later = occurrences(r, {
      from: new Date('2027-06-08T00:00Z'),
      to: new Date('2027-07-15T00:00Z')
    });
    expect(dates(later)).toEqual(['2027-06-11', '2027-06-25', '2027-07-09']);
  });

  it('leaves out skipped meetings (exact start instants)', () => {
    const window = { from: new Date('2027-03-01T00:00Z'), to: new Date('2027-04-01T00:00Z') };
    const skip = [new Date('2027-03-12T20:00Z'), new Date('2027-03-19T20:00Z') /* no meeting */];
    expect(starts(occurrences(fridays, { ...window, skip }))).toEqual([
      '2027-03-05T20:00Z',
      '2027-03-19T19:00Z',
      '2027-03-26T19:00Z'
    ]);
  });

  it('returns starts in [from, to): a meeting at `to` belongs to the next window', () => {
    const at = new Date('2027-03-12T20:00Z');
    expect(starts(occurrences(fridays, { from: at, to: new Date(at.getTime() + 1) }))).toEqual([
      '2027-03-12T20:00Z'
    ]);
    expect(occurrences(fridays, { from: new Date('2027-03-12T00:00Z'), to: at })).toEqual([]);
    expect(occurrences(fridays, { from: at, to: at })).toEqual([]);
  });
});

describe('recurrence: until', () => {
  it('includes a meeting on the until day and nothing after it', () => {
    const r: Recurrence = { ...secondTuesday, until: '2027-04-13' };
    expect(dates(occurrences(r, year2027))).toEqual([
      '2027-01-12',
      '2027-02-09',
      '2027-03-09',
      '2027-04-13'
    ]);
    const dayBefore: Recurrence = { ...secondTuesday, until: '2027-04-12' };
    expect(dates(occurrences(dayBefore, year2027)).at(-1)).toBe('2027-03-09');
  });

  it('has no first meeting when until comes before it', () => {
    const r: Recurrence = { ...secondTuesday, until: '2027-01-11' };
    expect(firstOccurrenceDate(r)).toBeNull();
    expect(occurrences(r, year2027)).toEqual([]);
    expect(() => toRRule(r)).toThrow(RecurrenceError);
  });
});

describe('recurrence: DST gaps and overlaps', () => {
  const sundayNight: Recurrence = {
    frequency: 'weekly',
    interval: 1,
    weekday: 'SU',
    startDate: '2027-01-01',
    startTime: '02:30',
    durationMinutes: 60,
    timeZone: 'Europe/Berlin'
  };
  const around = (date: string, timeZone: string) => {
    const day = Temporal.PlainDate.from(date).toZonedDateTime(timeZone);
    return {
      from: new Date(day.subtract({ days: 1 }).epochMilliseconds),
      to: new Date(day.add({ days: 1 }).epochMilliseconds)
    };
  };

  it('moves a wall time that does not exist forward by the gap, and never drops it', () => {
    // Berlin, 28 March 2027: 02:00 CET → 03:00 CEST. 02:30 does not exist; the meeting is 03:30.
    const [berlin] = occurrences(sundayNight, around('2027-03-28', 'Europe/Berlin'));
    expect(berlin?.start.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(
      local(berlin?.start ?? new Date(), 'Europe/Berlin')
        .toPlainTime()
        .toString()
    ).toBe('03:30:00');
    expect(berlin?.end.toISOString()).toBe('2027-03-28T02:30:00.000Z');

    // New York, 14 March 2027: 02:00 EST → 03:00 EDT.
    const ny: Recurrence = { ...sundayNight, timeZone: 'America/New_York' };
    expect(starts(occurrences(ny, around('2027-03-14', 'America/New_York')))).toEqual([
      '2027-03-14T07:30Z'
    ]);

    // Sydney, 3 October 2027: 02:00 AEST → 03:00 AEDT (UTC+11).
    const sydney: Recurrence = { ...sundayNight, timeZone: 'Australia/Sydney' };
    expect(starts(occurrences(sydney, around('2027-10-03', 'Australia/Sydney')))).toEqual([
      '2027-10-02T16:30Z'
    ]);
  });

  it('takes the earlier of a wall time that happens twice', () => {
    // Berlin, 31 October 2027: 03:00 CEST → 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
    expect(starts(occurrences(sundayNight, around('2027-10-31', 'Europe/Berlin')))).toEqual([
      '2027-10-31T00:30Z'
    ]);
  });

  it('lasts the exact duration across a change', () => {
    const r: Recurrence = { ...sundayNight, startTime: '01:30', durationMinutes: 120 };
    const [o] = occurrences(r, around('2027-03-28', 'Europe/Berlin'));
    // 01:30 CET + 2 h = 04:30 CEST on the wall clock.
    expect(
      local(o?.end ?? new Date(), 'Europe/Berlin')
        .toPlainTime()
        .toString()
    ).toBe('04:30:00');
  });
});

describe('recurrence: splitAt ("this and following")', () => {
  const window = { from: new Date('2026-01-01T00:00Z'), to: new Date('2030-01-01T00:00Z') };
  const fortnightly: Recurrence = {
    frequency: 'weekly',
    interval: 2,
    weekday: 'WE',
    startDate: '2027-01-06',
    startTime: '18:30',
    durationMinutes: 90,
    timeZone: 'Australia/Sydney',
    until: '2028-06-30'
  };

  it.each([
    ['monthly, every 2nd Tuesday', secondTuesday, '2027-06-08'],
    ['monthly, between two meetings', { ...secondTuesday, interval: 3 }, '2027-05-20'],
    ['fortnightly, on a meeting', fortnightly, '2027-03-03'],
    ['fortnightly, off the rhythm', fortnightly, '2027-03-10']
  ] satisfies [string, Recurrence, string][])('%s', (_, r, fromDate) => {
    const { before, after } = splitAt(r, fromDate);
    expect(before).not.toBeNull();
    if (before === null) return;
    expect(before.until).toBe(Temporal.PlainDate.from(fromDate).subtract({ days: 1 }).toString());
    const early = occurrences(before, window);
    const late = occurrences(after, window);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((o) => o.date < fromDate)).toBe(true);
    expect(late[0]?.date).toBe(after.startDate);
    expect(after.startDate >= fromDate).toBe(true);
    expect([...early, ...late]).toEqual(occurrences(r, window));
  });

  it('has nothing before when the split is at or before the first meeting', () => {
    const { before, after } = splitAt(secondTuesday, '2027-01-12');
    expect(before).toBeNull();
    expect(after.startDate).toBe('2027-01-12');
    expect(splitAt(secondTuesday, '2026-01-01').before).toBeNull();
  });

  it('refuses a split after the last meeting', () => {
    expect(() => splitAt({ ...secondTuesday, until: '2027-03-31' }, '2027-04-01')).toThrow(
      /No meeting falls on or after 2027-04-01/
    );
  });
});

describe('recurrence: RRULE text', () => {
  it('writes DTSTART at the first meeting and UNTIL at the end of the until day in UTC', () => {
    expect(toRRule(secondTuesday)).toBe(
      'DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU'
    );
    expect(
      toRRule({
        ...secondTuesday,
        interval: 2,
        weekday: 'FR',
        weekOfMonth: -1,
        until: '2027-12-31'
      })
    ).toBe(
      'DTSTART;TZID=Europe/Berlin:20270129T190000\nRRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;UNTIL=20271231T225959Z'
    );
    expect(
      toRRule({
        frequency: 'weekly',
        interval: 1,
        weekday: 'FR',
        startDate: '2027-03-01',
        startTime: '15:00',
        durationMinutes: 60,
        timeZone: 'America/New_York'
      })
    ).toBe('DTSTART;TZID=America/New_York:20270305T150000\nRRULE:FREQ=WEEKLY;BYDAY=FR');
  });

  it('round-trips, and the text agrees with rrule-temporal’s own reading of it', () => {
    const r: Recurrence = { ...secondTuesday, until: '2027-10-12' };
    const text = toRRule(r);
    expect(fromRRule(text, 120)).toEqual(normalizeRecurrence(r));
    expect(fromRRule(text, 120)).toEqual({ ...r, startDate: '2027-01-12' });
    expect(toRRule(fromRRule(text, 120))).toBe(text);
  });

  it('reads the variants other tools write', () => {
    const expected = { ...secondTuesday, startDate: '2027-01-12', until: '2027-12-31' };
    expect(
      fromRRule(
        'DTSTART;TZID="Europe/Berlin":20270112T190000\r\nrrule:FREQ=MONTHLY;INTERVAL=1;\r\n BYDAY=+2TU;WKST=SU;UNTIL=20271231\r\n',
        120
      )
    ).toEqual(expected);
    // UNTIL at the last meeting itself (RFC 5545's intent) and just before it.
    expect(
      fromRRule(
        'DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271214T180000Z',
        120
      ).until
    ).toBe('2027-12-14');
    expect(
      fromRRule(
        'DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271214T175959Z',
        120
      ).until
    ).toBe('2027-12-13');
  });

  it.each([
    ['RRULE:FREQ=WEEKLY;BYDAY=TU', /DTSTART line and an RRULE line/],
    ['DTSTART:20270112T190000Z\nRRULE:FREQ=WEEKLY;BYDAY=TU', /TZID/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190030\nRRULE:FREQ=WEEKLY;BYDAY=TU', /whole minutes/],
    ['DTSTART;TZID=Mars/Olympus:20270112T190000\nRRULE:FREQ=WEEKLY;BYDAY=TU', /timeZone/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=DAILY', /FREQ must be/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3', /COUNT/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH', /one weekday/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=WEEKLY;BYDAY=2TU', /ordinal/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=5TU', /ordinal/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=TU', /ordinal/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=WEEKLY;INTERVAL=13;BYDAY=TU', /12/],
    ['DTSTART;TZID=Europe/Berlin:20270113T190000\nRRULE:FREQ=WEEKLY;BYDAY=TU', /first meeting/],
    ['DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=x', /UNTIL/],
    [
      'DTSTART;TZID=Europe/Berlin:20270112T190000\nRRULE:FREQ=MONTHLY;BYDAY=2TU\nEXDATE:20270209T180000Z',
      /DTSTART line and an RRULE line/
    ]
  ])('refuses %s', (text, message) => {
    expect(() => fromRRule(text, 60)).toThrow(RecurrenceError);
    expect(() => fromRRule(text, 60)).toThrow(message);
  });
});

describe('recurrence: validation', () => {
  it.each([
    [{ interval: 0 }, /interval/],
    [{ interval: INTERVAL_MAX + 1 }, /interval/],
    [{ interval: 1.5 }, /interval/],
    [{ startDate: '2027-02-30' }, /startDate/],
    [{ startDate: '27-1-1' }, /startDate/],
    [{ startTime: '24:00' }, /startTime/],
    [{ startTime: '9:00' }, /startTime/],
    [{ durationMinutes: 0 }, /durationMinutes/],
    [{ durationMinutes: DURATION_MAX_MINUTES + 1 }, /durationMinutes/],
    [{ timeZone: 'Mars/Olympus' }, /timeZone/],
    [{ timeZone: '+01:00' }, /timeZone/],
    [{ timeZone: 'europe/berlin' }, /timeZone/],
    [{ until: '2026-12-31' }, /until/],
    [{ weekOfMonth: 5 }, /weekOfMonth/]
  ])('refuses %o', (change, message) => {
    const r = { ...secondTuesday, ...change } as Recurrence;
    expect(() => occurrences(r, year2027)).toThrow(message);
  });

  it('refuses an invalid window', () => {
    expect(() => occurrences(secondTuesday, { from: new Date('x'), to: new Date() })).toThrow(
      /from/
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Property test against a day-by-day reference, in zones with 1 h gaps at 02:00 (Berlin, New York,
// Sydney), a 30 min gap (Lord Howe), a gap at midnight (Santiago) and no DST at all (Kolkata).

const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Santiago'
];
const epochDay = Temporal.PlainDate.from('2020-01-01');
const dateArb = fc.integer({ min: 0, max: 365 * 16 }).map((n) => epochDay.add({ days: n }));
// Mostly times inside some zone's gap (00:00–01:00 Santiago, 02:00–02:30 Lord Howe, 02:00–03:00
// Berlin, New York and Sydney) or next to it.
const timeArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '00:00',
      '00:30',
      '01:59',
      '02:00',
      '02:15',
      '02:30',
      '02:59',
      '19:00'
    )
  },
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`)
);
const recurrenceArb: fc.Arbitrary<Recurrence> = fc
  .record({
    monthly: fc.boolean(),
    interval: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: INTERVAL_MAX })),
    // Clocks change on Sunday nights in these zones: Sundays come up more often.
    weekday: fc.oneof(fc.constant('SU' as const), fc.constantFrom(...WEEKDAYS)),
    weekOfMonth: fc.constantFrom(...WEEKS_OF_MONTH),
    start: dateArb,
    startTime: timeArb,
    durationMinutes: fc.integer({ min: 1, max: DURATION_MAX_MINUTES }),
    timeZone: fc.constantFrom(...zones),
    untilDays: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined })
  })
  .map(({ monthly, weekOfMonth, start, untilDays, ...rest }) => {
    const base = {
      ...rest,
      startDate: start.toString(),
      ...(untilDays === undefined ? {} : { until: start.add({ days: untilDays }).toString() })
    };
    return monthly
      ? { ...base, frequency: 'monthly' as const, weekOfMonth }
      : { ...base, frequency: 'weekly' as const };
  });

/** Whether `date` fits the pattern, counted day by day from the start date. */
function fits(r: Recurrence, date: Temporal.PlainDate): boolean {
  const start = Temporal.PlainDate.from(r.startDate);
  if (Temporal.PlainDate.compare(date, start) < 0) return false;
  if (r.until !== undefined && Temporal.PlainDate.compare(date, r.until) > 0) return false;
  if (date.dayOfWeek !== WEEKDAYS.indexOf(r.weekday) + 1) return false;
  if (r.frequency === 'weekly') {
    // Weeks are counted from the first meeting, the first such weekday on or after the start.
    const first = start.add({ days: (date.dayOfWeek - start.dayOfWeek + 7) % 7 });
    return (first.until(date).days / 7) % r.interval === 0;
  }
  const months = (date.year - start.year) * 12 + date.month - start.month;
  if (months % r.interval !== 0) return false;
  return r.weekOfMonth === -1
    ? date.add({ days: 7 }).month !== date.month
    : Math.ceil(date.day / 7) === r.weekOfMonth;
}

/** The start instant, from the UTC offset in force before any change that day. */
function referenceStart(r: Recurrence, date: Temporal.PlainDate): number {
  const wall = date.toPlainDateTime(r.startTime);
  const dayBefore = wall.subtract({ days: 1 }).toZonedDateTime(r.timeZone);
  const asUtc = wall.toZonedDateTime('UTC').epochMilliseconds;
  try {
    return wall.toZonedDateTime(r.timeZone, { disambiguation: 'reject' }).epochMilliseconds;
  } catch {
    // Not a wall time that day (gap): the offset from before the change applies.
    return asUtc - dayBefore.offsetNanoseconds / 1e6;
  }
}

describe('recurrence: properties', () => {
  it('matches a day-by-day reference in random zones and windows', () => {
    fc.assert(
      fc.property(
        recurrenceArb,
        fc.integer({ min: -60, max: 900 }),
        fc.integer({ min: 1, max: 200 * 24 * 60 }),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        (r, offsetDays, lengthMinutes, offsetMinutes) => {
          const fromZdt = Temporal.PlainDate.from(r.startDate)
            .toZonedDateTime('UTC')
            .add({ days: offsetDays })
            .add({ minutes: offsetMinutes });
          const from = new Date(fromZdt.epochMilliseconds);
          const to = new Date(fromZdt.add({ minutes: lengthMinutes }).epochMilliseconds);
          const list = occurrences(r, { from, to });

          // Reference: every fitting day around the window, at its wall time.
          const expected: number[] = [];
          let day = local(from, r.timeZone).toPlainDate().subtract({ days: 2 });
          const last = local(to, r.timeZone).toPlainDate().add({ days: 2 });
          for (; Temporal.PlainDate.compare(day, last) <= 0; day = day.add({ days: 1 })) {
            if (!fits(r, day)) continue;
            const ms = referenceStart(r, day);
            if (ms >= from.getTime() && ms < to.getTime()) expected.push(ms);
          }
          expect(list.map((o) => o.start.getTime())).toEqual(expected);

          for (const [i, o] of list.entries()) {
            const start = o.start.getTime();
            expect(start).toBeGreaterThanOrEqual(from.getTime());
            expect(start).toBeLessThan(to.getTime());
            if (i > 0) expect(start).toBeGreaterThan(list[i - 1]?.start.getTime() ?? 0);
            expect(o.end.getTime() - start).toBe(r.durationMinutes * 60_000);
            const at = local(o.start, r.timeZone);
            expect(at.toPlainDate().toString()).toBe(o.date);
            const wall = at.toPlainTime().toString({ smallestUnit: 'minute' });
            if (wall !== r.startTime) {
              // Only on a gap day, and then later than the rule's time, by less than an hour.
              const gap = Temporal.PlainTime.from(r.startTime).until(at.toPlainTime());
              expect(gap.sign).toBe(1);
              expect(gap.total('minutes')).toBeLessThanOrEqual(60);
              expect(() =>
                Temporal.PlainDate.from(o.date)
                  .toPlainDateTime(r.startTime)
                  .toZonedDateTime(r.timeZone, { disambiguation: 'reject' })
              ).toThrow(RangeError);
            }
          }
        }
      ),
      { numRuns: 300 }
    );
  });

  it('moves a meeting whose wall time falls in a DST gap forward by the gap', () => {
    const dstZones = zones.filter((zone) => zone !== 'Asia/Kolkata');
    fc.assert(
      fc.property(
        fc.constantFrom(...dstZones),
        fc.integer({ min: 2020, max: 2035 }),
        fc.integer({ min: 0, max: 59 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 10 }),
        (timeZone, year, minute, monthly, weeksBefore) => {
          // The year's first change that puts clocks forward.
          let at = Temporal.PlainDate.from({ year, month: 1, day: 1 }).toZonedDateTime(timeZone);
          let change: Temporal.ZonedDateTime | null = null;
          while (change === null) {
            const next = at.getTimeZoneTransition('next');
            if (next === null || next.year !== year) return; // no DST that year
            if (next.offsetNanoseconds > next.subtract({ nanoseconds: 1 }).offsetNanoseconds) {
              change = next;
            }
            at = next;
          }
          const before = change.subtract({ nanoseconds: 1 }).offsetNanoseconds;
          const gapMinutes = (change.offsetNanoseconds - before) / 60e9;
          const gapStart = change.subtract({ minutes: 1 }).toPlainDateTime().add({ minutes: 1 });
          const wall = gapStart.add({ minutes: minute % gapMinutes });
          const date = wall.toPlainDate();
          const base = {
            interval: 1,
            weekday: WEEKDAYS[date.dayOfWeek - 1] ?? 'SU',
            startDate: date.subtract({ days: 7 * weeksBefore }).toString(),
            startTime: wall.toPlainTime().toString({ smallestUnit: 'minute' }),
            durationMinutes: 60,
            timeZone
          };
          const r: Recurrence = monthly
            ? {
                ...base,
                frequency: 'monthly',
                weekOfMonth: date.day > 28 ? -1 : (Math.ceil(date.day / 7) as 1 | 2 | 3 | 4)
              }
            : { ...base, frequency: 'weekly' };
          const day = date.toZonedDateTime(timeZone);
          const list = occurrences(r, {
            from: new Date(day.subtract({ days: 1 }).epochMilliseconds),
            to: new Date(day.add({ days: 2 }).epochMilliseconds)
          });
          const meeting = list.find((o) => o.date === date.toString());
          expect(meeting, `${timeZone} ${wall.toString()}`).toBeDefined();
          const expected = wall.toZonedDateTime('UTC').epochMilliseconds - before / 1e6;
          expect(meeting?.start.getTime()).toBe(expected);
          const shown = local(meeting?.start ?? new Date(), timeZone).toPlainDateTime();
          expect(shown.toString()).toBe(wall.add({ minutes: gapMinutes }).toString());
        }
      ),
      { numRuns: 200 }
    );
  });

  it('round-trips through RRULE text and splits without losing or adding meetings', () => {
    const window = { from: new Date('2019-01-01T00:00Z'), to: new Date('2040-01-01T00:00Z') };
    fc.assert(
      fc.property(recurrenceArb, fc.integer({ min: -30, max: 900 }), (r, splitDays) => {
        const first = firstOccurrenceDate(r);
        fc.pre(first !== null);
        const text = toRRule(r);
        const back = fromRRule(text, r.durationMinutes);
        expect(back).toEqual(normalizeRecurrence(r));
        expect(toRRule(back)).toBe(text);

        const all = occurrences(r, window);
        expect(occurrences(back, window)).toEqual(all);
        const fromDate = Temporal.PlainDate.from(r.startDate).add({ days: splitDays }).toString();
        if (!all.some((o) => o.date >= fromDate)) {
          expect(() => splitAt(r, fromDate)).toThrow(RecurrenceError);
          return;
        }
        const { before, after } = splitAt(r, fromDate);
        const early = before === null ? [] : occurrences(before, window);
        expect(early.every((o) => o.date < fromDate)).toBe(true);
        expect([...early, ...occurrences(after, window)]).toEqual(all);
      }),
      { numRuns: 150 }
    );
  });
});
