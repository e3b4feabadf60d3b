// Shared by the page (field names) and its action: no server-only imports here.
import type { Feedback, FeedbackForm } from '#lib/feedback-types.ts';

/** A text field of the form, '' when missing. */
function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * A rating input: 1–5, or null for "no rating"; anything else goes to the API as a number it
 * refuses (a tampered form), never silently as "no rating".
 *
 * @example
 * ratingInput('4'); // 4
 * ratingInput(''); // null
 */
export function ratingInput(value: string): number | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const rating = Number(trimmed);
  return Number.isFinite(rating) ? rating : 0;
}

/** The form's field name of an agenda item's input (`items-0-rating`). */
export function itemField(index: number, name: 'rating' | 'comment' | 'anonymous'): string {
  return `items-${index}-${name}`;
}

/**
 * Reads the feedback form into the body of `PUT /events/:id/feedback`: the meeting's rating,
 * comment and "next time", and one entry per agenda item (by the hidden `items-N-id`).
 */
export function readFeedbackForm(form: FormData): Feedback {
  const items: Feedback['items'] = [];
  for (let i = 0; form.has(`items-${i}-id`); i += 1) {
    items.push({
      agendaItemId: text(form, `items-${i}-id`),
      rating: ratingInput(text(form, itemField(i, 'rating'))),
      comment: text(form, itemField(i, 'comment')),
      anonymous: text(form, itemField(i, 'anonymous')) === 'on'
    });
  }
  return {
    rating: ratingInput(text(form, 'rating')),
    comment: text(form, 'comment'),
    nextTime: text(form, 'nextTime'),
    items
  };
}

/**
 * The values the form starts with: the viewer's earlier feedback, matched to the agenda items by
 * id (items added since start empty).
 */
export function feedbackValues(form: FeedbackForm): Feedback {
  const mine = form.mine;
  return {
    rating: mine?.rating ?? null,
    comment: mine?.comment ?? '',
    nextTime: mine?.nextTime ?? '',
    items: form.items.map((item) => {
      const earlier = mine?.items.find((m) => m.agendaItemId === item.agendaItemId);
      return {
        agendaItemId: item.agendaItemId,
        rating: earlier?.rating ?? null,
        comment: earlier?.comment ?? '',
        anonymous: earlier?.anonymous ?? false
      };
    })
  };
}

/**
 * The API's error fields as the form's inputs: `items.2.comment` → `items-2-comment`, and an
 * unknown agenda item (`items.2.agendaItemId`) next to that item's comment.
 *
 * @example
 * feedbackField('items.2.agendaItemId'); // 'items-2-comment'
 */
export function feedbackField(field: string): string {
  const match = /^items\.(\d+)\.(\w+)/.exec(field);
  if (!match) return field;
  const name = match[2] === 'rating' || match[2] === 'anonymous' ? match[2] : 'comment';
  return itemField(Number(match[1]), name);
}

/** Every field name of the form with `count` agenda items (for `failed`). */
export function feedbackFields(count: number): string[] {
  const fields = ['rating', 'comment', 'nextTime'];
  for (let i = 0; i < count; i += 1)
    fields.push(itemField(i, 'rating'), itemField(i, 'comment'), itemField(i, 'anonymous'));
  return fields;
}
