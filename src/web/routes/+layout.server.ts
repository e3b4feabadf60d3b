import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  lang: locals.lang,
  me: locals.me,
  timeZone: locals.timeZone
});
