import { describe, expect, it } from 'vitest';
import {
  feedbackField,
  feedbackFields,
  feedbackValues,
  ratingInput,
  readFeedbackForm
} from './feedback-form.ts';

describe('ratingInput', () => {
  it('reads 1–5, blank as no rating, and keeps nonsense refusable', () => {
    expect(ratingInput('4')).toBe(4);
    expect(ratingInput(' ')).toBeNull();
    expect(ratingInput('9')).toBe(9);
    expect(ratingInput('abc')).toBe(0);
  });
});

describe('readFeedbackForm', () => {
  it('reads the meeting and every agenda item in order', () => {
    const form = new FormData();
    form.set('rating', '5');
    form.set('comment', 'Great');
    form.set('nextTime', 'More Rust');
    form.set('items-0-id', 'a1');
    form.set('items-0-rating', '3');
    form.set('items-0-comment', 'Too fast');
    form.set('items-0-anonymous', 'on');
    form.set('items-1-id', 'a2');
    form.set('items-1-rating', '');
    expect(readFeedbackForm(form)).toEqual({
      rating: 5,
      comment: 'Great',
      nextTime: 'More Rust',
      items: [
        { agendaItemId: 'a1', rating: 3, comment: 'Too fast', anonymous: true },
        { agendaItemId: 'a2', rating: null, comment: '', anonymous: false }
      ]
    });
  });

  it('reads an empty form as no ratings and no items', () => {
    expect(readFeedbackForm(new FormData())).toEqual({
      rating: null,
      comment: '',
      nextTime: '',
      items: []
    });
  });
});

describe('feedbackValues', () => {
  it('matches earlier answers to the agenda by id', () => {
    const values = feedbackValues({
      canGive: true,
      reason: null,
      items: [
        { agendaItemId: 'a1', kind: 'talk', title: 'T', speaker: 'S' },
        { agendaItemId: 'a2', kind: 'topic', title: 'U', speaker: null }
      ],
      mine: {
        rating: 4,
        comment: 'ok',
        nextTime: '',
        items: [{ agendaItemId: 'a2', rating: 2, comment: 'meh', anonymous: true }]
      }
    });
    expect(values.rating).toBe(4);
    expect(values.items).toEqual([
      { agendaItemId: 'a1', rating: null, comment: '', anonymous: false },
      { agendaItemId: 'a2', rating: 2, comment: 'meh', anonymous: true }
    ]);
  });
});

describe('feedbackField', () => {
  it('maps item errors to the inputs', () => {
    expect(feedbackField('items.2.comment')).toBe('items-2-comment');
    expect(feedbackField('items.0.rating')).toBe('items-0-rating');
    expect(feedbackField('items.1.agendaItemId')).toBe('items-1-comment');
    expect(feedbackField('rating')).toBe('rating');
  });

  it('lists every field for the item count', () => {
    expect(feedbackFields(1)).toEqual([
      'rating',
      'comment',
      'nextTime',
      'items-0-rating',
      'items-0-comment',
      'items-0-anonymous'
    ]);
  });
});
