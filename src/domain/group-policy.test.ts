import { describe, expect, it } from 'vitest';
import {
  can,
  type GroupAction,
  type GroupRules,
  type JoinPolicy,
  ROLES,
  type Viewer,
  type Visibility
} from './group-policy.ts';

/** Every action, once (the object makes the compiler check that none is missing). */
const ACTIONS = Object.keys({
  'group.see': true,
  'group.read': true,
  'group.update': true,
  'group.join': true,
  'group.leave': true,
  'group.transfer': true,
  'member.list': true,
  'member.review': true,
  'member.invite': true,
  'member.remove': true,
  'member.ban': true,
  'member.setRole': true,
  'audit.read': true,
  'event.rsvp': true,
  'event.create': true,
  'event.checkIn': true,
  'venue.manage': true,
  'sponsor.manage': true,
  'topic.propose': true,
  'topic.comment': true,
  'topic.vote': true,
  'topic.manage': true,
  'round.manage': true,
  'agenda.manage': true,
  'talk.propose': true,
  'talk.decide': true,
  'speaker.manage': true,
  'poll.manage': true,
  'poll.answer': true,
  'room.join': true,
  'room.host': true,
  'feedback.give': true,
  'feedback.read': true,
  'post.create': true,
  'post.comment': true,
  'post.react': true,
  'post.moderate': true,
  'report.create': true,
  'report.review': true,
  'webhook.manage': true,
  'health.view': true,
  'health.outreach': true
} satisfies Record<GroupAction, true>) as GroupAction[];

const VISIBILITIES: Visibility[] = ['public', 'private', 'hidden'];
const POLICIES: JoinPolicy[] = ['open', 'approval', 'invitation'];

/** Everyone who may look at a group: strangers, admins, and each role in each status. */
const VIEWERS: Viewer[] = [
  { userId: null, isAdmin: false, membership: null },
  { userId: 'u', isAdmin: false, membership: null },
  { userId: 'u', isAdmin: true, membership: null },
  ...ROLES.flatMap((role) =>
    (['active', 'pending', 'banned'] as const).map((status) => ({
      userId: 'u',
      isAdmin: false,
      membership: { role, status }
    }))
  )
];

describe('a group an admin hid from the instance', () => {
  const hide = { at: new Date('2026-11-28T10:00:00Z'), reason: 'Spam' };
  const cases = VISIBILITIES.flatMap((visibility) =>
    POLICIES.flatMap((joinPolicy) => VIEWERS.map((viewer) => ({ visibility, joinPolicy, viewer })))
  );

  it('is nothing to everyone but its active members and admins', () => {
    for (const { visibility, joinPolicy, viewer } of cases) {
      const insider = viewer.isAdmin || viewer.membership?.status === 'active';
      if (insider) continue;
      const group: GroupRules = { visibility, joinPolicy, hiddenByAdmin: hide };
      for (const action of ACTIONS) {
        expect(can(viewer, group, action), `${JSON.stringify(viewer)} ${action}`).toBe(false);
      }
    }
  });

  it('lets its members and admins do what they did before, but let anyone in', () => {
    for (const { visibility, joinPolicy, viewer } of cases) {
      const insider = viewer.isAdmin || viewer.membership?.status === 'active';
      if (!insider) continue;
      const shown: GroupRules = { visibility, joinPolicy, hiddenByAdmin: null };
      const hidden: GroupRules = { ...shown, hiddenByAdmin: hide };
      for (const action of ACTIONS) {
        const before = can(viewer, shown, action);
        const expected = action === 'group.join' || action === 'member.invite' ? false : before;
        expect(can(viewer, hidden, action), `${JSON.stringify(viewer)} ${action}`).toBe(expected);
      }
    }
  });
});
