import type { ItemList, Member } from '#lib/api-types.ts';
import type { Recipient, Room } from '#lib/room-types.ts';
import { api, unwrap } from '#lib/server/api.ts';
import { groupPath, loadMeeting } from '#lib/server/meetings.ts';
import type { Speaker } from '#lib/talk-types.ts';
import { launchPoll, switchPoll, vote } from './poll-actions.ts';
import {
  ask,
  closeRoom,
  kudos,
  lowerHand,
  lowerMine,
  moderate,
  openRoom,
  raise,
  upvote
} from './room-actions.ts';
import { doneOf, roomApi } from './room-paths.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const meeting = await loadMeeting(event);
  const room = unwrap(event, await api<Room>(event, 'GET', roomApi(meeting.id)));
  let recipients: Recipient[] = [];
  if (room.viewer.canJoin) {
    const slug = meeting.group.slug;
    const [members, speakers] = await Promise.all([
      api<ItemList<Member>>(event, 'GET', `${groupPath(slug)}/members`),
      api<ItemList<Speaker>>(event, 'GET', `${groupPath(slug)}/speakers`)
    ]);
    const me = event.locals.me?.id;
    const memberIds = new Set<string>();
    const people: Recipient[] = members.ok
      ? members.data.items
          .filter((m) => m.status === 'active' && m.userId !== me)
          .map((m) => {
            memberIds.add(m.userId);
            return { value: `user:${m.userId}`, name: m.displayName };
          })
      : [];
    // A speaker who is a member is listed once, as the member.
    const guests: Recipient[] = speakers.ok
      ? speakers.data.items
          .filter((s) => !s.member || !memberIds.has(s.member.id))
          .filter((s) => s.member?.id !== me)
          .map((s) => ({ value: `speaker:${s.id}`, name: s.name }))
      : [];
    recipients = [...people, ...guests].sort((a, b) => a.name.localeCompare(b.name));
  }
  return { meeting, room, recipients, done: doneOf(event.url) };
};

export const actions: Actions = {
  open: openRoom,
  close: closeRoom,
  ask,
  upvote,
  moderate,
  raise,
  lowerMine,
  lowerHand,
  kudos,
  launchPoll,
  switchPoll,
  vote
};
