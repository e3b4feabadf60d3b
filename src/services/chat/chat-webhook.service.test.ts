import { describe, expect, it } from 'vitest';
import { buildAgendaMessage } from './chat-webhook.service.ts';

const post = {
  meeting: {
    id: 'ev-1',
    title: 'December practice night',
    startsAt: new Date('2026-12-03T18:00:00Z'),
    endsAt: new Date('2026-12-03T20:00:00Z'),
    timeZone: 'Europe/Berlin'
  },
  group: { slug: 'craft', name: 'Craft & Code' },
  topics: ['Testing <in> prod', 'Monorepos']
};

describe('agenda messages', () => {
  it('carry the title, the time in the meeting zone and the picked topics in order', () => {
    const message = buildAgendaMessage(post, 'en', 'https://guild.example');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Agenda for December practice night' }
    });
    const texts = message.blocks.map((b) => b.text.text).join('\n');
    expect(texts).toContain('7:00'); // 18:00 UTC is 19:00 in Berlin
    expect(texts).toContain('Europe/Berlin');
    expect(texts).toContain('Craft &amp; Code');
    expect(texts).toContain('1. Testing &lt;in&gt; prod\n2. Monorepos');
    expect(texts).toContain('<https://guild.example/groups/craft/events/ev-1|See the meeting>');
    expect(message.text).toContain('Agenda for December practice night');
    expect(message.text).toContain('1. Testing &lt;in&gt; prod, 2. Monorepos');
  });

  it('say so when nothing was picked, and speak German', () => {
    const message = buildAgendaMessage({ ...post, topics: [] }, 'de');
    expect(message.text).toContain('Programm für December practice night');
    expect(message.text).toContain('Diesmal wurden keine Themen per Abstimmung gewählt.');
    expect(message.text).toContain('19:00');
    expect(message.blocks).toHaveLength(3); // no link without a base URL
  });
});
