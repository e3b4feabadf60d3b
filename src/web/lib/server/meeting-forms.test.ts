import { describe, expect, it } from 'vitest';
import type { Series } from '../api-types.ts';
import { readSeriesForm, seriesBody, seriesFormValues } from './meeting-forms.ts';

function formOf(entries: Record<string, string>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(entries)) form.set(key, value);
  return form;
}

const rule = {
  title: 'Guild meeting',
  frequency: 'monthly',
  interval: '1',
  weekOfMonth: '2',
  weekday: 'TU',
  startTime: '18:00',
  durationMinutes: '90',
  startDate: '2027-01-01'
};

describe('series topic vote', () => {
  it('sends the checkbox and the closing hours', () => {
    const body = seriesBody(
      readSeriesForm(formOf({ ...rule, votingRounds: 'on', votingClosesHours: '48' }))
    );
    expect(body).toMatchObject({ votingRounds: true, votingClosesHours: 48 });
  });

  it('sends false for an unchecked box and leaves blank hours to the API default', () => {
    const body = seriesBody(readSeriesForm(formOf({ ...rule, votingClosesHours: ' ' })));
    expect(body.votingRounds).toBe(false);
    expect(body.votingClosesHours).toBeUndefined();
  });

  it('fills the form from a series, with its topic-vote setting', () => {
    const series = {
      title: 'Guild meeting',
      description: '',
      recurrence: {
        frequency: 'monthly',
        interval: 1,
        weekday: 'TU',
        weekOfMonth: 2,
        startDate: '2027-01-01',
        startTime: '18:00',
        durationMinutes: 90,
        until: null
      },
      venueId: null,
      capacity: null,
      guestLimit: 0,
      votingRounds: false,
      votingClosesHours: 24
    } as unknown as Series;
    expect(
      seriesFormValues({ ...series, votingRounds: true, votingClosesHours: 12 })
    ).toMatchObject({ votingRounds: true, votingClosesHours: '12' });
    expect(seriesFormValues(series)).toMatchObject({
      votingRounds: false,
      votingClosesHours: '24'
    });
  });
});
