import { requireMe } from '#lib/server/guard.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
  requireMe(event);
};
