import { describe, expect, it } from 'vitest';
import { EXCERPT_MAX_LENGTH, markdownExcerpt } from './markdown.ts';

describe('markdown excerpts', () => {
  it('is the plain text of the rendered markdown, entities decoded, whitespace collapsed', () => {
    expect(
      markdownExcerpt(
        '# Cloud Night\n\nWe talk **k8s** at [our place](https://x.example).\n\n- one\n- two'
      )
    ).toBe('Cloud Night We talk k8s at our place. one two');
    expect(markdownExcerpt('Tom &amp; Jerry, `a < b`, "quotes" &amp;amp; &nbsp;x')).toBe(
      'Tom & Jerry, a < b, "quotes" &amp; \u00a0x'.replace(/\s+/g, ' ')
    );
    expect(markdownExcerpt('| a | b |\n|---|---|\n| c | d |')).toBe('a b c d');
    expect(markdownExcerpt('')).toBe('');
  });

  it('keeps markup as text: nothing in it is HTML', () => {
    expect(markdownExcerpt('Hi <script>alert(1)</script> <b>bold</b>')).toBe(
      'Hi <script>alert(1)</script> <b>bold</b>'
    );
  });

  it('cuts long text at a word boundary with an ellipsis, within the limit', () => {
    const excerpt = markdownExcerpt('Kubernetes operators, '.repeat(20));
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(EXCERPT_MAX_LENGTH);
    expect(excerpt).toMatch(/ operators…$/);
    expect(markdownExcerpt('one two three four', 12)).toBe('one two…');
    expect(markdownExcerpt('one two three', 13)).toBe('one two three');
    expect(markdownExcerpt('x'.repeat(300))).toBe(`${'x'.repeat(199)}…`);
    const emoji = markdownExcerpt('👩‍💻'.repeat(300));
    expect(emoji).toBe(`${'👩‍💻'.repeat(199)}…`);
  });

  it('gives the same excerpt for long sources as the full rendering would', () => {
    const intro = 'An **intro** paragraph with a [link][ref] in it. '.repeat(3);
    const source = `${intro}\n\n${'More text. '.repeat(400)}\n\n${'Tail. '.repeat(400)}\n\n[ref]: https://x.example`;
    expect(markdownExcerpt(source).startsWith('An intro paragraph with a link in it.')).toBe(true);
    const hidden = `${'[r]: https://x.example/\n'.repeat(200)}\n\nVisible text after many definitions.`;
    expect(markdownExcerpt(hidden)).toBe('Visible text after many definitions.');
  });
});
