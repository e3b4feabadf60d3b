import type { Me } from '#lib/api-types.ts';
import type { Locale } from '#lib/i18n.ts';

declare global {
  namespace App {
    interface Locals {
      /** The language the page and the API answers are in. */
      lang: Locale;
      /** The signed-in account, null for visitors. */
      me: Me | null;
      /** IANA zone times are shown in: the browser's, else the profile's, else UTC. */
      timeZone: string;
    }
    interface PageData {
      lang: Locale;
      me: Me | null;
      timeZone: string;
    }
  }
}

export {};
