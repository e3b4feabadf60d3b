import type { ChatLinkInfo } from '#lib/practice-types.ts';
import { api, failed } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

function linkPath(token: string): `/chat/links/${string}` {
  return `/chat/links/${encodeURIComponent(token)}`;
}

export const load: PageServerLoad = async (event) => {
  // Linking connects the chat account to the signed-in one: log in first, then come back here.
  requireMe(event);
  const token = event.url.searchParams.get('token') ?? '';
  if (!token) return { info: null };
  const result = await api<ChatLinkInfo>(event, 'GET', linkPath(token));
  // An unknown, used or expired token: the page says so (no error page).
  return { info: result.ok ? result.data : null };
};

export const actions: Actions = {
  link: async (event) => {
    requireMe(event);
    const token = event.url.searchParams.get('token') ?? '';
    // Read first: once linked, the token is used up and no longer names the group.
    const info = await api<ChatLinkInfo>(event, 'GET', linkPath(token));
    const result = await api(event, 'POST', linkPath(token));
    if (!result.ok) return failed(event, result, [], { linked: false as const });
    return { linked: true as const, group: info.ok ? info.data.group : null };
  }
};
