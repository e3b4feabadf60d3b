import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const allowedTags = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td'
];

/**
 * Renders user markdown to safe HTML: raw HTML is not interpreted, the output is sanitized, headings
 * are demoted to h3+ (pages own h1/h2), and links get `rel="nofollow ugc noopener"`.
 *
 * @example
 * renderMarkdown('Hi **there** <script>x</script>');
 * // '<p>Hi <strong>there</strong> &lt;script&gt;x&lt;/script&gt;</p>\n'
 */
export function renderMarkdown(source: string): string {
  const known = rendered.get(source);
  if (known !== undefined) {
    rendered.delete(source); // most recently used goes last
    rendered.set(source, known);
    return known;
  }
  const html = render(source);
  if (source.length <= RENDERED_MAX_SOURCE) {
    rendered.set(source, html);
    if (rendered.size > RENDERED_SIZE) {
      const oldest = rendered.keys().next().value;
      if (oldest !== undefined) rendered.delete(oldest);
    }
  }
  return html;
}

/**
 * Rendered texts kept by their source: a popular meeting's description is shown on every view
 * and every RSVP answer, and rendering plus sanitizing costs far more than a lookup. The output
 * depends on the source alone, so a kept rendering is never stale.
 */
const rendered = new Map<string, string>();
const RENDERED_SIZE = 500;
/** Longer texts (rarely viewed again soon) are not kept, which bounds the memory to ~10 MB. */
const RENDERED_MAX_SOURCE = 20_000;

function render(source: string): string {
  const html = md.render(source);
  return sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: { a: ['href', 'title', 'rel'], code: ['class'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: {
      h1: 'h3',
      h2: 'h3',
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'nofollow ugc noopener' }
      })
    }
  });
}

/** The longest excerpt `markdownExcerpt` returns, in characters, the "…" included. */
export const EXCERPT_MAX_LENGTH = 200;

/** How much markdown to render for an excerpt first (up to the next blank line after it). */
const EXCERPT_SOURCE_LENGTH = 2_000;

/** The text of rendered markdown: tags stripped, entities decoded, whitespace collapsed. */
function plainText(source: string, env: Record<string, unknown> = {}): string {
  const escaped = sanitizeHtml(md.render(source, env), { allowedTags: [], allowedAttributes: {} });
  // sanitize-html decodes every entity and escapes exactly these three again in text; undo that.
  return escaped
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A plain-text excerpt of user markdown for lists and cards: rendered by the same markdown-it setup
 * as `renderMarkdown`, every tag stripped by sanitize-html (which also decodes entities while it
 * parses), whitespace collapsed, and cut at a word boundary with "…" when longer than `maxLength`.
 * Long sources are rendered up to the first blank line after 2,000 characters, and in full only
 * when that start has too little text, so a page of search hits stays cheap.
 *
 * @example
 * markdownExcerpt('# Hi\n\nWe talk **k8s** at [our place](https://x.example) &amp; more.');
 * // 'Hi We talk k8s at our place & more.'
 */
export function markdownExcerpt(source: string, maxLength = EXCERPT_MAX_LENGTH): string {
  const blankLine = source.indexOf('\n\n', EXCERPT_SOURCE_LENGTH);
  const start = blankLine < 0 ? source : source.slice(0, blankLine);
  // Link reference definitions may come after the start: collect them from the whole source
  // (block rules only, which is cheap) so `[text][ref]` in the start renders as its text.
  const env: Record<string, unknown> = {};
  if (start !== source && source.includes(']:')) md.block.parse(source, md, env, []);
  let text = plainText(start, env);
  if (start !== source && characters(text).length <= maxLength) text = plainText(source);
  const chars = characters(text);
  if (chars.length <= maxLength) return text;
  // The longest start that ends before a space and leaves room for the "…"; one overlong word is cut.
  const window = chars.slice(0, maxLength).join('');
  const lastSpace = window.search(/\s\S*$/);
  const head = lastSpace > 0 ? window.slice(0, lastSpace) : chars.slice(0, maxLength - 1).join('');
  return `${head.replace(/[\s,;:.!?–—-]+$/u, '') || head}…`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The characters a reader sees (grapheme clusters: an emoji or a letter with its accents is one). */
function characters(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}
