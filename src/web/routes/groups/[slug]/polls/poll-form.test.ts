import { describe, expect, it } from 'vitest';
import { closingInstant, pollBody, pollOptions, readPollForm } from './poll-form.ts';

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.set(name, value);
  return data;
}

describe('pollOptions', () => {
  it('takes one option per line, trimmed, without blank lines', () => {
    expect(pollOptions(' Yes \r\n\r\nNo\n  \nMaybe')).toEqual(['Yes', 'No', 'Maybe']);
    expect(pollOptions('')).toEqual([]);
  });
});

describe('closingInstant', () => {
  it('reads the wall clock in the group zone, also across DST', () => {
    expect(closingInstant('2027-07-13T19:00', 'Europe/Berlin')).toBe('2027-07-13T17:00:00.000Z');
    expect(closingInstant('2027-01-13T19:00', 'Europe/Berlin')).toBe('2027-01-13T18:00:00.000Z');
  });

  it('passes anything else on as typed for the API to refuse', () => {
    expect(closingInstant(' tomorrow ', 'Europe/Berlin')).toBe('tomorrow');
    expect(closingInstant('2027-13-45T99:00', 'Europe/Berlin')).toBe('2027-13-45T99:00');
  });
});

describe('readPollForm and pollBody', () => {
  it('builds the body of a draft without a meeting or closing time', () => {
    const values = readPollForm(
      form({ question: ' Pizza? ', options: 'Yes\nNo', choice: 'single', results: 'live' })
    );
    expect(values.anonymous).toBe(false);
    expect(pollBody(values, 'Europe/Berlin', false)).toEqual({
      question: 'Pizza?',
      options: ['Yes', 'No'],
      choice: 'single',
      anonymous: false,
      results: 'live',
      open: false
    });
  });

  it('sends the meeting, the closing instant and open', () => {
    const values = readPollForm(
      form({
        question: 'Which day?',
        options: 'Mon\nTue\nWed',
        choice: 'multiple',
        anonymous: 'on',
        results: 'closed',
        eventId: 'e1',
        closesAt: '2027-07-13T19:00'
      })
    );
    expect(pollBody(values, 'Europe/Berlin', true)).toEqual({
      question: 'Which day?',
      options: ['Mon', 'Tue', 'Wed'],
      choice: 'multiple',
      anonymous: true,
      results: 'closed',
      eventId: 'e1',
      closesAt: '2027-07-13T17:00:00.000Z',
      open: true
    });
  });

  it('falls back to the safe choices for unknown values', () => {
    const values = readPollForm(form({ choice: 'all', results: 'never' }));
    expect(values).toMatchObject({ choice: 'single', results: 'live', question: '' });
  });
});
