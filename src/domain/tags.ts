/** Longest tag, in characters. */
export const TAG_MAX_LENGTH = 40;

/**
 * Normalizes one interest tag: lower case, words joined by dashes, only letters, digits and
 * `+ # .` kept (so `C++`, `C#` and `.NET` survive). Returns '' when nothing is left.
 *
 * @example
 * normalizeTag('  Data Engineering '); // 'data-engineering'
 */
export function normalizeTag(tag: string): string {
  return tag
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_/]+/g, '-')
    .replace(/[^\p{L}\p{N}+#.-]/gu, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, TAG_MAX_LENGTH);
}

/**
 * Normalizes a list of tags, dropping empty ones and duplicates while keeping the first order.
 *
 * @example
 * normalizeTags(['Kubernetes', 'kubernetes ', 'Azure']); // ['kubernetes', 'azure']
 */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(normalizeTag).filter((t) => t.length > 0))];
}
