import { describe, expect, it } from 'vitest';
import type { Group } from '../api-types.ts';
import { groupFormValues, readGroupForm, updateBody, writeOnly } from './group-form.ts';

function formOf(entries: Record<string, string>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(entries)) form.set(key, value);
  return form;
}

const basics = {
  slug: 'rust-guild',
  name: 'Rust Guild',
  kind: 'practice',
  timeZone: 'Europe/Berlin',
  visibility: 'public',
  joinPolicy: 'open'
};

describe('writeOnly', () => {
  it('keeps, replaces or removes a write-only setting', () => {
    expect(writeOnly('  ', false)).toBeUndefined();
    expect(writeOnly(' https://chat.example.com/hook ', false)).toBe(
      'https://chat.example.com/hook'
    );
    expect(writeOnly('ignored when removing', true)).toBeNull();
  });
});

describe('updateBody', () => {
  it('sends the voting rules and leaves blank chat settings out', () => {
    const body = updateBody(
      readGroupForm(
        formOf({
          ...basics,
          votesPerMember: '5',
          votesPerTopic: '2',
          agendaTopics: '3',
          tallyVisibility: 'hidden',
          chatWebhookUrl: '',
          chatSigningSecret: ''
        })
      )
    );
    expect(body).toMatchObject({
      votesPerMember: 5,
      votesPerTopic: 2,
      agendaTopics: 3,
      tallyVisibility: 'hidden'
    });
    expect(body).not.toHaveProperty('chatWebhookUrl');
    expect(body).not.toHaveProperty('chatSigningSecret');
  });

  it('replaces or removes the chat settings and passes bad numbers on for the API to refuse', () => {
    const body = updateBody(
      readGroupForm(
        formOf({
          ...basics,
          votesPerMember: 'many',
          chatWebhookUrl: 'https://chat.example.com/hooks/new',
          chatSigningSecret: 'a-new-secret',
          chatSigningSecretClear: 'on'
        })
      )
    );
    expect(body.votesPerMember).toBe('many');
    expect(body.chatWebhookUrl).toBe('https://chat.example.com/hooks/new');
    expect(body.chatSigningSecret).toBeNull();
  });
});

describe('groupFormValues', () => {
  it('fills the voting rules from the group and never a chat setting', () => {
    const group = {
      slug: 'rust-guild',
      name: 'Rust Guild',
      kind: 'practice',
      description: '',
      visibility: 'public',
      joinPolicy: 'open',
      joinQuestions: [],
      chat: { webhook: true, commands: true },
      details: {
        tags: [],
        city: null,
        country: null,
        latitude: null,
        longitude: null,
        onlineOnly: true,
        timeZone: 'UTC',
        websiteUrl: null,
        chatUrl: null,
        codeOfConductUrl: null,
        practice: {
          votesPerMember: 4,
          votesPerTopic: 2,
          agendaTopics: 1,
          tallyVisibility: 'hidden'
        }
      }
    } as unknown as Group;
    expect(groupFormValues(group)).toMatchObject({
      votesPerMember: '4',
      votesPerTopic: '2',
      agendaTopics: '1',
      tallyVisibility: 'hidden',
      chatWebhookUrl: '',
      chatSigningSecret: '',
      chatWebhookClear: false,
      chatSigningSecretClear: false
    });
  });
});
