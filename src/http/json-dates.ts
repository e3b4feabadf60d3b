/** `T` with every Date replaced by its ISO 8601 string, as it travels in JSON. */
export type JsonDates<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? JsonDates<U>[]
    : T extends object
      ? { [K in keyof T]: JsonDates<T[K]> }
      : T;

/**
 * Converts every Date inside `value` to an ISO 8601 UTC string (presenters call it last).
 *
 * @example
 * jsonDates({ at: new Date(0) }); // { at: '1970-01-01T00:00:00.000Z' }
 */
export function jsonDates<T>(value: T): JsonDates<T> {
  if (value instanceof Date) return value.toISOString() as JsonDates<T>;
  if (Array.isArray(value)) return value.map((v: unknown) => jsonDates(v)) as JsonDates<T>;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, jsonDates(v)])
    ) as JsonDates<T>;
  }
  return value as JsonDates<T>;
}
