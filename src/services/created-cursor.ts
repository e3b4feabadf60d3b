/** Where a page of things listed newest (or oldest) first continues: the last one's time and id. */
export interface CreatedCursor {
  createdAt: Date;
  id: string;
}

/**
 * An opaque cursor for `?cursor=`.
 *
 * @example
 * decodeCreatedCursor(encodeCreatedCursor({ createdAt: new Date(0), id: 'a' })); // { createdAt: 1970-01-01…, id: 'a' }
 */
export function encodeCreatedCursor(cursor: CreatedCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.toISOString(), id: cursor.id })).toString(
    'base64url'
  );
}

/** Reads a cursor back; null when it is not one of ours. */
export function decodeCreatedCursor(value: string): CreatedCursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      c?: unknown;
      id?: unknown;
    };
    if (typeof parsed.c !== 'string' || typeof parsed.id !== 'string') return null;
    const createdAt = new Date(parsed.c);
    if (Number.isNaN(createdAt.getTime())) return null;
    return { createdAt, id: parsed.id };
  } catch {
    return null;
  }
}
