/** Whether `zone` is a time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let zones: string[] | undefined;

/** Every IANA time zone name, sorted, with `UTC` and `current` included. */
export function timeZoneNames(current?: string | null): string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])].sort();
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}

/** Cookie in which the browser reports its time zone, for pages shown before a profile has one. */
export const TIME_ZONE_COOKIE = 'guildhall_tz';
