/** A member's role in a group, most powerful first. */
export const ROLES = ['owner', 'organizer', 'host', 'member'] as const;
export type Role = (typeof ROLES)[number];
export type MembershipStatus = 'pending' | 'active' | 'banned';
export type Visibility = 'public' | 'private' | 'hidden';
export type JoinPolicy = 'open' | 'approval' | 'invitation';
export type GroupKind = 'meetup' | 'practice';

/**
 * An instance admin's takedown of a group — "hidden from this instance" — since when and why. Not
 * the group's own `visibility` (which organizers choose): organizers cannot undo it, and while it
 * lasts only the group's active members and instance admins know the group exists.
 */
export interface AdminHide {
  at: Date;
  reason: string;
}

/** The longest reason an admin may give for hiding a group (characters, after trimming). */
export const ADMIN_HIDE_REASON_MAX = 500;

/** What the rules read of a group. */
export interface GroupRules {
  visibility: Visibility;
  joinPolicy: JoinPolicy;
  hiddenByAdmin: AdminHide | null;
}

/** Who is looking at a group: their instance-admin flag and their membership, if any. */
export interface Viewer {
  userId: string | null;
  isAdmin: boolean;
  membership: { role: Role; status: MembershipStatus } | null;
}

/** Everything one can do to or in a group, named per action. */
export type GroupAction =
  | 'group.see' // know it exists: name, description, tags, location
  | 'group.read' // everything members see: organizers, members, meetings, board
  | 'group.update'
  | 'group.join'
  | 'group.leave'
  | 'group.transfer'
  | 'member.list'
  | 'member.review' // see and decide join requests
  | 'member.invite'
  | 'member.remove'
  | 'member.ban'
  | 'member.setRole'
  | 'audit.read'
  | 'event.rsvp' // say going or not going to a meeting
  | 'event.create' // create and edit meetings and series, see drafts
  | 'event.checkIn' // check people in, see no-shows
  | 'venue.manage'
  | 'sponsor.manage'
  | 'topic.propose' // propose topics, edit and withdraw one's own
  | 'topic.comment'
  | 'topic.vote' // dot votes in an open round
  | 'topic.manage' // merge, archive, schedule, add notes after the meeting
  | 'round.manage' // open and close voting rounds, override a pick
  | 'agenda.manage' // order a meeting's agenda
  | 'talk.propose' // submit a talk proposal, edit and withdraw one's own
  | 'talk.decide' // accept, decline or keep a proposal; see all proposals
  | 'speaker.manage' // add invited speakers, see their private contact
  | 'poll.manage' // create, launch and close polls; see results before they are shown
  | 'poll.answer' // answer an open poll
  | 'room.join' // take part in a meeting's live room: ask, upvote, raise a hand, give kudos
  | 'room.host' // run the live room: open it early, moderate questions, lower hands
  | 'feedback.give' // give feedback on a meeting one attended
  | 'feedback.read' // see a meeting's feedback with names and turn wishes into topics
  | 'post.create' // post on the board (announcements: organizers, checked by the board service)
  | 'post.comment' // comment on and reply to posts
  | 'post.react' // react to posts and comments
  | 'post.moderate' // pin posts; hide or remove others' posts and comments
  | 'report.create' // report a post, a comment or a member's profile
  | 'report.review' // work the group's moderation queue
  | 'webhook.manage' // set up outgoing webhooks and read their delivery log
  | 'health.view' // the community health dashboard, its CSV exports and the gone-quiet list
  | 'health.outreach'; // write personally to a member who has gone quiet

const RANK: Record<Role, number> = { owner: 4, organizer: 3, host: 2, member: 1 };

/** Whether `role` is at least as powerful as `atLeast`. */
export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}

function activeRole(viewer: Viewer): Role | null {
  return viewer.membership?.status === 'active' ? viewer.membership.role : null;
}

/**
 * Decides one action for one viewer in one group. Instance admins may do what owners may, except
 * act as members (join, leave). Banned people are treated as strangers who may never join, and
 * they lose sight of everything but public basics. A group an admin hid from the instance is
 * nothing to everyone but its active members and admins (applicants and banned people included),
 * and nobody joins it or is invited while it is hidden; its members go on as before.
 *
 * @example
 * can({ userId: 'u1', isAdmin: false, membership: null }, { visibility: 'private', joinPolicy: 'approval', hiddenByAdmin: null }, 'group.read'); // false
 */
export function can(viewer: Viewer, group: GroupRules, action: GroupAction): boolean {
  const role = activeRole(viewer);
  if (group.hiddenByAdmin) {
    if (role === null && !viewer.isAdmin) return false;
    if (action === 'group.join' || action === 'member.invite') return false;
  }
  const banned = viewer.membership?.status === 'banned';
  const pending = viewer.membership?.status === 'pending';
  const staff = viewer.isAdmin || (role !== null && hasRole(role, 'organizer'));
  switch (action) {
    case 'group.see':
      if (group.visibility !== 'hidden') return !banned || group.visibility === 'public';
      return role !== null || pending || viewer.isAdmin;
    case 'group.read':
      if (viewer.isAdmin || role !== null) return true;
      return group.visibility === 'public' && !banned;
    case 'group.join':
      return (
        viewer.userId !== null &&
        viewer.membership === null &&
        group.joinPolicy !== 'invitation' &&
        group.visibility !== 'hidden'
      );
    case 'group.leave':
      return (role !== null && role !== 'owner') || pending;
    case 'member.list':
      return viewer.isAdmin || role !== null || (group.visibility === 'public' && !banned);
    case 'group.update':
    case 'member.review':
    case 'member.invite':
    case 'member.remove':
    case 'member.ban':
    case 'member.setRole':
    case 'audit.read':
      return staff;
    case 'group.transfer':
      return viewer.isAdmin || role === 'owner';
    case 'event.rsvp':
      return role !== null;
    case 'event.create':
    case 'event.checkIn':
      // Hosts run meetings: they create, edit and check in, like organizers.
      return viewer.isAdmin || (role !== null && hasRole(role, 'host'));
    case 'venue.manage':
    case 'sponsor.manage':
      return staff;
    case 'topic.propose':
    case 'topic.comment':
    case 'topic.vote':
    case 'talk.propose':
      // Members take part; instance admins are not members and do not vote or propose.
      return role !== null;
    case 'topic.manage':
    case 'round.manage':
    case 'talk.decide':
    case 'speaker.manage':
      return staff;
    case 'agenda.manage':
    case 'poll.manage':
    case 'room.host':
      // Running a meeting is hosts' work: the agenda, polls and the live room, like editing it.
      return viewer.isAdmin || (role !== null && hasRole(role, 'host'));
    case 'poll.answer':
    case 'room.join':
    case 'feedback.give':
      // Members take part (services add what the meeting asks: going, checked in, attended).
      return role !== null;
    case 'feedback.read':
      return staff;
    case 'post.create':
    case 'post.comment':
    case 'post.react':
      return role !== null;
    case 'report.create':
      // Those who can see members' posts may report them; admins moderate themselves.
      return role !== null || viewer.isAdmin;
    case 'post.moderate':
    case 'report.review':
    case 'webhook.manage':
    case 'health.view':
    case 'health.outreach':
      return staff;
  }
}

/**
 * Whether an actor may change `target`'s role to `to`, remove or ban them: organizers manage hosts
 * and members; only the owner (or an admin) manages organizers; nobody acts on the owner — the
 * owner changes hands only by transfer.
 */
export function canManage(actor: Viewer, target: { role: Role }, to?: Role): boolean {
  if (target.role === 'owner' || to === 'owner') return false;
  if (actor.isAdmin || activeRole(actor) === 'owner') return true;
  const role = activeRole(actor);
  if (role !== 'organizer') return false;
  return target.role !== 'organizer' && (to === undefined || to !== 'organizer');
}
