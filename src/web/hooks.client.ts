import type { ClientInit } from '@sveltejs/kit/hooks';
import { TIME_ZONE_COOKIE } from '#lib/time-zones.ts';

/** Tells the server the browser's time zone, so times render in it before a profile sets one. */
export const init: ClientInit = () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split('; ').includes(`${TIME_ZONE_COOKIE}=${zone}`)) {
    document.cookie = `${TIME_ZONE_COOKIE}=${zone}; path=/; max-age=31536000; samesite=lax`;
  }
};
