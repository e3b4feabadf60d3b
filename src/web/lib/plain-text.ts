/**
 * A rough plain-text preview of markdown for lists (cards), where the API gives only the source:
 * drops heading, emphasis, code and list marks, keeps link texts.
 *
 * @example
 * markdownPreview('# Hi\n\nWe talk **k8s** at [our place](https://x.example).');
 * // 'Hi We talk k8s at our place.'
 */
export function markdownPreview(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)/gm, '')
    .replace(/(\*\*|\*|~~|`+)(?=\S)([^\n]*?\S)\1/g, '$2')
    .replace(/(?<![\p{L}\p{N}])(__|_)(?=\S)([^\n]*?\S)\1(?![\p{L}\p{N}])/gu, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}
