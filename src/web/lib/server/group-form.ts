import type { Group } from '../api-types.ts';
import type { GroupFormValues } from '../group-form-values.ts';
import { text } from './api.ts';
import { numberInput } from './meetings.ts';

export type { GroupFormValues };

/** The form fields that get their own error messages (the API's `errors[].field`). */
export const GROUP_FIELDS = [
  'slug',
  'name',
  'kind',
  'description',
  'tags',
  'city',
  'country',
  'latitude',
  'longitude',
  'timeZone',
  'websiteUrl',
  'chatUrl',
  'codeOfConductUrl',
  'visibility',
  'joinPolicy',
  'joinQuestions',
  'votesPerMember',
  'votesPerTopic',
  'agendaTopics',
  'tallyVisibility',
  'chatWebhookUrl',
  'chatSigningSecret'
] as const;

/** Splits a comma-separated input; the API normalizes and validates each part. */
export function parseList(input: string, separator: string | RegExp = ','): string[] {
  return input
    .split(separator)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** A number input: omitted when empty, a number when it reads as one, else the text for the API to reject. */
function coordinate(input: string): number | string | undefined {
  const trimmed = input.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : trimmed;
}

function optional(input: string): string | null {
  const trimmed = input.trim();
  return trimmed === '' ? null : trimmed;
}

/** Reads the group form. */
export function readGroupForm(form: FormData): GroupFormValues {
  return {
    slug: text(form, 'slug').trim(),
    name: text(form, 'name').trim(),
    kind: text(form, 'kind'),
    description: text(form, 'description'),
    tags: text(form, 'tags'),
    city: text(form, 'city'),
    country: text(form, 'country'),
    latitude: text(form, 'latitude'),
    longitude: text(form, 'longitude'),
    onlineOnly: form.get('onlineOnly') === 'on',
    timeZone: text(form, 'timeZone'),
    websiteUrl: text(form, 'websiteUrl'),
    chatUrl: text(form, 'chatUrl'),
    codeOfConductUrl: text(form, 'codeOfConductUrl'),
    visibility: text(form, 'visibility'),
    joinPolicy: text(form, 'joinPolicy'),
    joinQuestions: text(form, 'joinQuestions'),
    votesPerMember: text(form, 'votesPerMember'),
    votesPerTopic: text(form, 'votesPerTopic'),
    agendaTopics: text(form, 'agendaTopics'),
    tallyVisibility: text(form, 'tallyVisibility'),
    chatWebhookUrl: text(form, 'chatWebhookUrl'),
    chatWebhookClear: form.get('chatWebhookClear') === 'on',
    chatSigningSecret: text(form, 'chatSigningSecret'),
    chatSigningSecretClear: form.get('chatSigningSecretClear') === 'on'
  };
}

/** The request body of `POST /groups` for what the form holds. */
export function groupBody(values: GroupFormValues): Record<string, unknown> {
  return {
    slug: values.slug,
    name: values.name,
    kind: values.kind,
    description: values.description,
    tags: parseList(values.tags),
    city: optional(values.city),
    country: optional(values.country),
    latitude: coordinate(values.latitude),
    longitude: coordinate(values.longitude),
    onlineOnly: values.onlineOnly,
    timeZone: values.timeZone,
    websiteUrl: optional(values.websiteUrl),
    chatUrl: optional(values.chatUrl),
    codeOfConductUrl: optional(values.codeOfConductUrl),
    visibility: values.visibility,
    joinPolicy: values.joinPolicy,
    joinQuestions: parseList(values.joinQuestions, /\r?\n/)
  };
}

/**
 * A write-only setting: `null` removes it, a typed value replaces it, blank leaves it as it is
 * (`undefined`, so the body does not carry it).
 *
 * @example
 * writeOnly('', false); // undefined
 * writeOnly('', true); // null
 */
export function writeOnly(input: string, clear: boolean): string | null | undefined {
  if (clear) return null;
  const trimmed = input.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The request body of `PATCH /groups/:slug`: like {@link groupBody}, but empty coordinates are
 * `null` so that clearing both inputs removes the group's position; with the topic-voting rules
 * and the write-only chat settings (left out when blank, `null` when to be removed).
 */
export function updateBody(values: GroupFormValues): Record<string, unknown> {
  const body = groupBody(values);
  if (body.latitude === undefined) body.latitude = null;
  if (body.longitude === undefined) body.longitude = null;
  const webhook = writeOnly(values.chatWebhookUrl, values.chatWebhookClear);
  const secret = writeOnly(values.chatSigningSecret, values.chatSigningSecretClear);
  return {
    ...body,
    votesPerMember: numberInput(values.votesPerMember, undefined),
    votesPerTopic: numberInput(values.votesPerTopic, undefined),
    agendaTopics: numberInput(values.agendaTopics, undefined),
    ...(values.tallyVisibility !== '' && { tallyVisibility: values.tallyVisibility }),
    ...(webhook !== undefined && { chatWebhookUrl: webhook }),
    ...(secret !== undefined && { chatSigningSecret: secret })
  };
}

/**
 * The group form filled with a group's current settings (the edit page). `details` is there for
 * everyone who may manage the group; without it the place and links start empty.
 *
 * @example
 * groupFormValues(group).tags; // 'rust, systems'
 */
export function groupFormValues(group: Group): GroupFormValues {
  const d = group.details;
  return {
    slug: group.slug,
    name: group.name,
    kind: group.kind,
    description: group.description,
    tags: d?.tags.join(', ') ?? '',
    city: d?.city ?? '',
    country: d?.country ?? '',
    latitude: d && d.latitude !== null ? String(d.latitude) : '',
    longitude: d && d.longitude !== null ? String(d.longitude) : '',
    onlineOnly: d?.onlineOnly ?? false,
    timeZone: d?.timeZone ?? 'UTC',
    websiteUrl: d?.websiteUrl ?? '',
    chatUrl: d?.chatUrl ?? '',
    codeOfConductUrl: d?.codeOfConductUrl ?? '',
    visibility: group.visibility,
    joinPolicy: group.joinPolicy,
    joinQuestions: group.joinQuestions.join('\n'),
    ...votingFormValues(group),
    chatWebhookUrl: '',
    chatWebhookClear: false,
    chatSigningSecret: '',
    chatSigningSecretClear: false
  };
}

/** The topic-voting inputs of a group (the API's defaults when it sends none). */
function votingFormValues(
  group: Group
): Pick<GroupFormValues, 'votesPerMember' | 'votesPerTopic' | 'agendaTopics' | 'tallyVisibility'> {
  const p = group.details?.practice;
  return {
    votesPerMember: String(p?.votesPerMember ?? 3),
    votesPerTopic: String(p?.votesPerTopic ?? 1),
    agendaTopics: String(p?.agendaTopics ?? 2),
    tallyVisibility: p?.tallyVisibility ?? 'live'
  };
}
