import { text } from '#lib/server/api.ts';
import { optionalText } from '#lib/server/meetings.ts';
import type { TopicWants } from '#lib/practice-types.ts';

/** The inputs of the propose and edit forms of a topic, as typed (shown again after an error). */
export interface TopicFormValues {
  title: string;
  description: string;
  linkUrl: string;
  wants: TopicWants;
}

/** Fields of the topic forms that API errors may name. */
export const TOPIC_FIELDS = ['title', 'description', 'linkUrl', 'wants'] as const;

/** Reads the topic form. */
export function readTopicForm(form: FormData): TopicFormValues {
  return {
    title: text(form, 'title'),
    description: text(form, 'description'),
    linkUrl: text(form, 'linkUrl'),
    wants: text(form, 'wants') === 'explain' ? 'explain' : 'present'
  };
}

/** The API body for a topic form: a blank link is none. */
export function topicBody(values: TopicFormValues): Record<string, unknown> {
  return {
    title: values.title.trim(),
    description: values.description,
    linkUrl: optionalText(values.linkUrl, null),
    wants: values.wants
  };
}

/** `/groups/<slug>/topics` for API paths. */
export function topicsPath(slug: string): `/groups/${string}/topics` {
  return `/groups/${encodeURIComponent(slug)}/topics`;
}

/** `/rounds/<id>` for API paths. */
export function roundPath(id: string): `/rounds/${string}` {
  return `/rounds/${encodeURIComponent(id)}`;
}
