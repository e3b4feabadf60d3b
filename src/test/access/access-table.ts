// THE access table: every route Guildhall serves — API, feeds and pages — with the status each role
// gets. access-table.int.test.ts fails when a served route has no entry here, when an entry names
// no route, and when a role gets another status than the one written here.
//
// Columns, in the order of ROLES (access-world.ts):
//   ano  anonymous (no credentials)
//   non  non-member (signed in, no membership)
//   pen  pending (asked to join, not approved)
//   mem  member    hos  host    org  organizer    own  owner
//   adm  instance admin (no membership)
//   ban  banned from the group
//   sus  suspended by an admin: sends the session it had before (suspension ends it)
//   rtk  the organizer's read-only API token
//   wtk  the organizer's read-write API token
//
// The group is private with joining by approval: outsiders see its name and description only and
// get 404 for everything in it, so "private things are 404" is asked on every group route. The
// per-area matrices (src/http/routes/*/*.permissions.int.test.ts) cover all three group kinds.
//
// Statuses are exact: 200/201/202/204 allowed (a write in a fresh group, so it must succeed);
// 301/303 a redirect (303 on pages goes to the log-in page unless the entry says `redirect`);
// 401 not signed in (a suspended account's old session counts as none); 403 signed in but not
// allowed, a read-only token writing, or a token on a session-only route; 404 private or not
// there for this role (a group's things to outsiders, pending and banned; the admin area to all
// but admins); 409 not in this state for this role (joining a group one is in, the owner
// leaving); 400 refused on its merits (verify-email and reset-password asked with a made-up
// token: public routes, the same for everyone). Two routes answer 404 to every role here, so
// their allowed side is left to their own tests: a message to a member who has not gone quiet
// (health.permissions.int.test.ts) and a chat command to a group with no chat app set up
// (chat.int.test.ts signs them).
//
// Requests: a path's parameters are filled from the world by the segment before them (see
// `pathOf` in access-run.ts); an entry gives a body or a query where one is needed. Reads and
// denied writes (an expected 4xx) are asked in the one shared group; every other write in a
// fresh group (and, with `own`, by a fresh account of the role), so no cell sees another cell's
// write. Writes to one's own account or the instance need no group and skip the fresh one. The
// 12 cells of a row are asked at once, the rows one after another.
//
// Adding a route: add one line, `'<METHOD> <path as served>': '<12 statuses>'`, or an object
// when the request needs a body, a query, or its own account.
import type { Account, GroupWorld, World } from './access-world.ts';

/** What a request's body or query may be built from. */
export interface Cell {
  g: GroupWorld;
  w: World;
  /** The account asking (null: anonymous). */
  as: Account | null;
}

/** One route's expectations and, where the path alone is not enough, how to ask it. */
export type AccessEntry =
  | string
  | {
      expect: string;
      /** The body, or how to build it for a cell (from ids of the world, the asking account). */
      body?: object | ((cell: Cell) => unknown);
      /** Appended to the path, with its `?`. */
      query?: string | ((cell: Cell) => string | Promise<string>);
      /** Where a page's 303 goes (by default the log-in page). */
      redirect?: string;
      /** Allowed cells act as a fresh account of the role: the write changes or ends its own. */
      own?: true;
    };

const ev = async ({ g }: Cell) => g.event();

// Every row: ano non pen mem hos org own adm ban sus rtk wtk
export const ACCESS_TABLE: Record<string, AccessEntry> = {
  // Operations
  'GET /healthz': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /readyz': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /metrics': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /api/docs': '301 301 301 301 301 301 301 301 301 301 301 301',
  'GET /api/docs/': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /api/docs/js/scalar.js': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /api/v1/openapi.json': '200 200 200 200 200 200 200 200 200 200 200 200',

  // Accounts
  'POST /api/v1/auth/sign-up': {
    expect: '202 202 202 202 202 202 202 202 202 202 202 202',
    body: () => ({
      email: `new-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'plum-tree-harbour-42',
      // Names of their own: two sign-ups at once with one name race for its handle (uniqueHandle
      // looks, then better-auth inserts; on PostgreSQL one of them gets a 400).
      displayName: `New ${Math.random().toString(36).slice(2)}`
    })
  },
  'POST /api/v1/auth/log-in': {
    expect: '200 200 200 200 200 200 200 200 200 200 200 200',
    body: ({ w }) => ({ email: w.accounts.member.email, password: 'plum-tree-harbour-42' })
  },
  'POST /api/v1/auth/log-out': {
    expect: '204 204 204 204 204 204 204 204 204 204 204 204',
    own: true
  },
  'POST /api/v1/auth/verify-email': {
    expect: '400 400 400 400 400 400 400 400 400 400 400 400',
    body: { token: 'made-up' }
  },
  'POST /api/v1/auth/resend-verification': {
    expect: '202 202 202 202 202 202 202 202 202 202 202 202',
    body: ({ w }) => ({ email: w.accounts.member.email })
  },
  'POST /api/v1/auth/reset-password': {
    expect: '400 400 400 400 400 400 400 400 400 400 400 400',
    body: { token: 'made-up', newPassword: 'plum-tree-harbour-43' }
  },
  'POST /api/v1/auth/forgot-password': {
    expect: '202 202 202 202 202 202 202 202 202 202 202 202',
    body: ({ w }) => ({ email: w.accounts.member.email })
  },
  'GET /api/v1/me': '401 200 200 200 200 200 200 200 200 401 200 200',
  'PATCH /api/v1/me': {
    expect: '401 200 200 200 200 200 200 200 200 401 403 200',
    body: { bio: 'Changed' }
  },
  'DELETE /api/v1/me': {
    expect: '401 204 204 204 204 204 204 204 204 401 403 403',
    body: { password: 'plum-tree-harbour-42', content: 'anonymize' },
    own: true
  },
  'POST /api/v1/me/password': {
    expect: '401 204 204 204 204 204 204 204 204 401 403 403',
    body: { currentPassword: 'plum-tree-harbour-42', newPassword: 'plum-tree-harbour-43' },
    own: true
  },
  'POST /api/v1/me/email': {
    expect: '401 202 202 202 202 202 202 202 202 401 403 403',
    body: () => ({ newEmail: `moved-${Math.random().toString(36).slice(2)}@example.com` }),
    own: true
  },
  'GET /api/v1/me/export': '401 200 200 200 200 200 200 200 200 401 403 403',
  'GET /api/v1/me/events': '401 200 200 200 200 200 200 200 200 401 200 200',
  'GET /api/v1/me/deletion': '401 200 200 200 200 200 200 200 200 401 403 403',
  'GET /api/v1/me/sessions': '401 200 200 200 200 200 200 200 200 401 403 403',
  'POST /api/v1/me/sessions/revoke-others': {
    expect: '401 204 204 204 204 204 204 204 204 401 403 403',
    own: true
  },
  'DELETE /api/v1/me/sessions/:id': {
    expect: '401 204 204 204 204 204 204 204 204 401 403 403',
    own: true
  },
  'GET /api/v1/me/tokens': '401 200 200 200 200 200 200 200 200 401 200 200',
  'POST /api/v1/me/tokens': {
    expect: '401 201 201 201 201 201 201 201 201 401 403 403',
    body: { name: 'Script', scope: 'read' }
  },
  'DELETE /api/v1/me/tokens/:id': '401 204 204 204 204 204 204 204 204 401 403 403',
  'GET /api/v1/me/groups': '401 200 200 200 200 200 200 200 200 401 200 200',
  'POST /api/v1/me/calendar-feed': {
    expect: '401 201 201 201 201 201 201 201 201 401 403 403',
    own: true
  },
  'GET /api/v1/me/calendar-feed': '401 200 200 200 200 200 200 200 200 401 403 403',
  'DELETE /api/v1/me/calendar-feed': {
    expect: '401 204 204 204 204 204 204 204 204 401 403 403',
    own: true
  },
  'GET /api/v1/me/board': '401 200 200 200 200 200 200 200 200 401 200 200',
  'GET /api/v1/me/notifications': '401 200 200 200 200 200 200 200 200 401 200 200',
  'GET /api/v1/me/notifications/unread-count': '401 200 200 200 200 200 200 200 200 401 200 200',
  'POST /api/v1/me/notifications/read-all': '401 200 200 200 200 200 200 200 200 401 403 200',
  'POST /api/v1/me/notifications/:id/read': '401 204 204 204 204 204 204 204 204 401 403 204',
  'GET /api/v1/me/notification-preferences': '401 200 200 200 200 200 200 200 200 401 200 200',
  'PUT /api/v1/me/notification-preferences': {
    expect: '401 200 200 200 200 200 200 200 200 401 403 200',
    body: { post: 'off' }
  },
  'GET /api/v1/people/:handle': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /api/v1/places': {
    expect: '200 200 200 200 200 200 200 200 200 200 200 200',
    query: '?q=Berlin'
  },
  'GET /api/v1/unsubscribe': {
    expect: '200 200 200 200 200 200 200 200 200 200 200 200',
    query: ({ g, w }) => `?token=${w.unsubscribeToken(g)}`
  },
  'POST /api/v1/unsubscribe': {
    expect: '200 200 200 200 200 200 200 200 200 200 200 200',
    body: ({ g, w }) => ({ token: w.unsubscribeToken(g) })
  },
  'GET /api/v1/calendar/:secret.ics': '200 200 200 200 200 200 200 200 200 200 200 200',

  // Instance administration
  'GET /api/v1/admin/health': '401 404 404 404 404 404 404 200 404 401 404 404',
  'GET /api/v1/admin/health.csv': '401 404 404 404 404 404 404 200 404 401 404 404',
  'POST /api/v1/admin/health/rollup': '401 404 404 404 404 404 404 200 404 401 403 404',
  'GET /api/v1/admin/reports': '401 404 404 404 404 404 404 200 404 401 404 404',
  'GET /api/v1/admin/settings': '401 404 404 404 404 404 404 200 404 401 404 404',
  'PATCH /api/v1/admin/settings': {
    expect: '401 404 404 404 404 404 404 200 404 401 403 404',
    body: { registration: 'open' }
  },
  'POST /api/v1/admin/test-mail': '401 404 404 404 404 404 404 202 404 401 403 404',
  'GET /api/v1/admin/users': '401 404 404 404 404 404 404 200 404 401 404 404',
  'DELETE /api/v1/admin/users/:id': {
    expect: '401 404 404 404 404 404 404 204 404 401 403 404',
    body: { content: 'anonymize' }
  },
  'POST /api/v1/admin/users/:id/suspend': '401 404 404 404 404 404 404 204 404 401 403 404',
  'POST /api/v1/admin/users/:id/restore': '401 404 404 404 404 404 404 204 404 401 403 404',
  'PUT /api/v1/admin/users/:id/admin': {
    expect: '401 404 404 404 404 404 404 204 404 401 403 404',
    body: { isAdmin: true }
  },
  'GET /api/v1/admin/audit': '401 404 404 404 404 404 404 200 404 401 404 404',
  'GET /api/v1/admin/groups': '401 404 404 404 404 404 404 200 404 401 404 404',
  'POST /api/v1/admin/groups/:slug/hide': {
    expect: '401 404 404 404 404 404 404 204 404 401 403 404',
    body: { reason: 'Spam' }
  },
  'POST /api/v1/admin/groups/:slug/unhide': '401 404 404 404 404 404 404 204 404 401 403 404',
  'GET /api/v1/networks': '200 200 200 200 200 200 200 200 200 200 200 200',
  'POST /api/v1/networks': {
    expect: '401 403 403 403 403 403 403 201 403 401 403 403',
    body: () => ({ slug: `net-${Math.random().toString(36).slice(2, 8)}`, name: 'Net' })
  },
  'GET /api/v1/networks/:slug': '200 200 200 200 200 200 200 200 200 200 200 200',
  'PUT /api/v1/networks/:slug/chapters/:groupSlug':
    '401 403 403 403 403 403 403 204 403 401 403 403',
  'DELETE /api/v1/networks/:slug/chapters/:groupSlug':
    '401 403 403 403 403 403 403 204 403 401 403 403',

  // Groups and membership
  'POST /api/v1/groups': {
    expect: '401 201 201 201 201 201 201 201 201 401 403 201',
    body: () => ({
      slug: `made-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Made here',
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    })
  },
  'GET /api/v1/groups': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /api/v1/groups/:slug': '200 200 200 200 200 200 200 200 404 200 200 200',
  'PATCH /api/v1/groups/:slug': {
    expect: '401 403 403 403 403 200 200 200 404 401 403 200',
    body: { description: 'Changed' }
  },
  'POST /api/v1/groups/:slug/join': '401 200 409 409 409 409 409 200 404 401 403 409',
  'POST /api/v1/groups/:slug/leave': '401 404 204 204 204 204 409 404 404 401 403 204',
  'GET /api/v1/groups/:slug/members': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/groups/:slug/membership': {
    expect: '401 404 204 204 204 204 204 404 404 401 403 204',
    body: { hiddenInDirectory: true }
  },
  'PATCH /api/v1/groups/:slug/members/:userId': {
    expect: '401 403 403 403 403 204 204 204 404 401 403 204',
    body: { role: 'host' }
  },
  'DELETE /api/v1/groups/:slug/members/:userId': '401 403 403 403 403 204 204 204 404 401 403 204',
  'POST /api/v1/groups/:slug/members/:userId/ban':
    '401 403 403 403 403 204 204 204 404 401 403 204',
  'GET /api/v1/groups/:slug/requests': '401 403 403 403 403 200 200 200 404 401 200 200',
  'POST /api/v1/groups/:slug/requests/:userId/approve':
    '401 403 403 403 403 204 204 204 404 401 403 204',
  'POST /api/v1/groups/:slug/requests/:userId/decline':
    '401 403 403 403 403 204 204 204 404 401 403 204',
  'POST /api/v1/groups/:slug/transfer': {
    expect: '401 403 403 403 403 403 204 204 404 401 403 403',
    body: async ({ g }) => ({ userId: await g.target() })
  },
  'GET /api/v1/groups/:slug/audit': '401 403 403 403 403 200 200 200 404 401 200 200',
  'POST /api/v1/groups/:slug/invitations': {
    expect: '401 403 403 403 403 202 202 202 404 401 403 202',
    body: () => ({ email: `guest-${Math.random().toString(36).slice(2)}@example.com` })
  },
  'GET /api/v1/invitations/:token': '200 200 200 200 200 200 200 200 200 200 200 200',
  'POST /api/v1/invitations/accept': {
    expect: '401 200 200 200 200 200 200 200 403 401 403 200',
    body: async ({ g }) => ({ token: await g.invitation() })
  },
  'GET /api/v1/chat/links/:token': '200 200 200 200 200 200 200 200 200 200 200 200',
  'POST /api/v1/chat/links/:token': '401 204 204 204 204 204 204 204 204 401 403 403',
  'POST /api/v1/chat/:groupSlug/commands': {
    expect: '404 404 404 404 404 404 404 404 404 404 404 404',
    body: { command: '/guildhall' }
  },

  // Venues, sponsors, speakers
  'GET /api/v1/groups/:slug/venues': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/venues': {
    expect: '401 403 403 403 403 201 201 201 404 401 403 201',
    body: { name: 'Added', address: 'Side 2' }
  },
  'GET /api/v1/groups/:slug/venues/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/groups/:slug/venues/:id': {
    expect: '401 403 403 403 403 200 200 200 404 401 403 200',
    body: { name: 'Changed' }
  },
  'DELETE /api/v1/groups/:slug/venues/:id': '401 403 403 403 403 204 204 204 404 401 403 204',
  'GET /api/v1/groups/:slug/sponsors': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/sponsors': {
    expect: '401 403 403 403 403 201 201 201 404 401 403 201',
    body: { name: 'Added', contributions: ['room'] }
  },
  'GET /api/v1/groups/:slug/sponsors/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/groups/:slug/sponsors/:id': {
    expect: '401 403 403 403 403 200 200 200 404 401 403 200',
    body: { name: 'Changed' }
  },
  'DELETE /api/v1/groups/:slug/sponsors/:id': '401 403 403 403 403 204 204 204 404 401 403 204',
  'GET /api/v1/groups/:slug/speakers': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/speakers': {
    expect: '401 403 403 403 403 201 201 201 404 401 403 201',
    body: { name: 'Added speaker' }
  },
  'GET /api/v1/groups/:slug/speakers/:id': '404 404 404 404 404 200 200 200 404 404 200 200',
  'PATCH /api/v1/groups/:slug/speakers/:id': {
    expect: '401 404 404 404 404 200 200 200 404 401 403 200',
    body: { name: 'Renamed' }
  },

  // Meetings, series, RSVPs, calendars
  'GET /api/v1/groups/:slug/events': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/events': {
    expect: '401 403 403 403 201 201 201 201 404 401 403 201',
    body: {
      title: 'Added meeting',
      startsAt: new Date(Date.now() + 10 * 24 * 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 10 * 24 * 3_600_000 + 7_200_000).toISOString(),
      timeZone: 'Europe/Berlin'
    }
  },
  'GET /api/v1/groups/:slug/events.atom': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /api/v1/groups/:slug/calendar.ics': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /api/v1/events/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/events/:id': {
    expect: '401 404 404 403 200 200 200 200 404 401 403 200',
    body: { title: 'Changed meeting' }
  },
  'POST /api/v1/events/:id/publish': '401 404 404 404 200 200 200 200 404 401 403 200',
  'POST /api/v1/events/:id/cancel': {
    expect: '401 404 404 403 200 200 200 200 404 401 403 200',
    body: { reason: 'The speaker is ill' }
  },
  'GET /api/v1/events/:id/calendar.ics': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/events/:id/check-ins': {
    expect: '401 404 404 403 200 200 200 200 404 401 403 200',
    body: ({ w }) => ({ userId: w.accounts.member.id })
  },
  'DELETE /api/v1/events/:id/check-ins/:userId': '401 404 404 403 204 204 204 204 404 401 403 204',
  'PUT /api/v1/events/:id/rsvp': {
    expect: '401 404 404 200 200 200 200 403 404 401 403 200',
    body: { status: 'going' }
  },
  'GET /api/v1/events/:id/rsvp': '401 404 404 200 404 404 404 404 404 401 404 404',
  'GET /api/v1/events/:id/attendees': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /api/v1/events/:id/no-shows': '401 404 404 403 200 200 200 200 404 401 200 200',
  'GET /api/v1/groups/:slug/series': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/series': {
    expect: '401 403 403 403 201 201 201 201 404 401 403 201',
    body: {
      title: 'Weekly',
      timeZone: 'Europe/Berlin',
      recurrence: {
        frequency: 'weekly',
        weekday: 'FR',
        startDate: new Date(Date.now() + 20 * 24 * 3_600_000).toISOString().slice(0, 10),
        startTime: '15:00',
        durationMinutes: 60
      }
    }
  },
  'GET /api/v1/series/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PUT /api/v1/series/:id': {
    expect: '401 404 404 403 200 200 200 200 404 401 403 200',
    body: {
      title: 'Changed series',
      timeZone: 'Europe/Berlin',
      recurrence: {
        frequency: 'monthly',
        weekday: 'TH',
        weekOfMonth: 3,
        startDate: new Date(Date.now() + 30 * 24 * 3_600_000).toISOString().slice(0, 10),
        startTime: '18:30',
        durationMinutes: 120
      },
      from: new Date(Date.now() + 30 * 24 * 3_600_000).toISOString().slice(0, 10)
    }
  },
  'POST /api/v1/series/:id/end': {
    expect: '401 404 404 403 204 204 204 204 404 401 403 204',
    body: { reason: 'We meet elsewhere now' }
  },
  'PUT /api/v1/series/:id/rsvp': {
    expect: '401 404 404 200 200 200 200 403 404 401 403 200',
    body: { status: 'going' }
  },

  // Agenda, talks, feedback
  'GET /api/v1/events/:id/agenda': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PUT /api/v1/events/:id/agenda': {
    expect: '401 404 404 403 200 200 200 200 404 401 403 200',
    body: { items: [{ kind: 'break', title: 'Coffee', durationMinutes: 15 }] }
  },
  'GET /api/v1/groups/:slug/talks': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/talks': {
    expect: '401 403 403 201 201 201 201 403 404 401 403 201',
    body: { title: 'Added talk', durationMinutes: 20, level: 'advanced' }
  },
  'GET /api/v1/groups/:slug/talks/:id': '404 404 404 200 404 200 200 200 404 404 200 200',
  'PATCH /api/v1/groups/:slug/talks/:id': {
    expect: '401 404 404 200 404 200 200 200 404 401 403 200',
    body: { title: 'Changed talk' }
  },
  'POST /api/v1/groups/:slug/talks/:id/accept': {
    expect: '401 404 404 403 404 200 200 200 404 401 403 200',
    body: async (c) => ({ eventId: await ev(c) })
  },
  'POST /api/v1/groups/:slug/talks/:id/decline': {
    expect: '401 404 404 403 404 200 200 200 404 401 403 200',
    body: { note: 'Not now' }
  },
  'POST /api/v1/groups/:slug/talks/:id/later': {
    expect: '401 404 404 403 404 200 200 200 404 401 403 200',
    body: { note: 'Later' }
  },
  'POST /api/v1/groups/:slug/talks/:id/withdraw': '401 404 404 200 404 403 403 403 404 401 403 403',
  'GET /api/v1/groups/:slug/talks/:id/feedback': '401 404 404 200 404 200 200 200 404 401 200 200',
  'PUT /api/v1/events/:id/feedback': {
    expect: '401 404 404 200 403 403 403 403 404 401 403 403',
    body: { rating: 5, comment: 'Great' }
  },
  'GET /api/v1/events/:id/feedback': '401 404 404 403 403 200 200 200 404 401 200 200',
  'GET /api/v1/events/:id/feedback/form': '401 404 404 200 200 200 200 200 404 401 200 200',
  'POST /api/v1/events/:id/feedback/:feedbackId/topic':
    '401 404 404 403 403 201 201 201 404 401 403 201',
  'GET /api/v1/events/:id/feedback.csv': '401 404 404 403 403 200 200 200 404 401 200 200',

  // Topics and voting
  'GET /api/v1/groups/:slug/topics': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/topics': {
    expect: '401 403 403 201 201 201 201 403 404 401 403 201',
    body: { title: 'Added', wants: 'present' }
  },
  'GET /api/v1/groups/:slug/topics/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/groups/:slug/topics/:id': {
    expect: '401 404 404 200 403 200 200 200 404 401 403 200',
    body: { title: 'Changed topic' }
  },
  'POST /api/v1/groups/:slug/topics/:id/withdraw':
    '401 404 404 200 403 403 403 403 404 401 403 403',
  'POST /api/v1/groups/:slug/topics/:id/archive': {
    expect: '401 404 404 403 403 200 200 200 404 401 403 200',
    body: { reason: 'Off topic' }
  },
  'POST /api/v1/groups/:slug/topics/:id/merge': {
    expect: '401 404 404 403 403 200 200 200 404 401 403 200',
    body: async ({ g }) => ({ into: await g.otherTopic() })
  },
  'POST /api/v1/groups/:slug/topics/:id/discussed': {
    expect: '401 404 404 403 403 200 200 200 404 401 403 200',
    body: { notes: 'Went well' }
  },
  'GET /api/v1/groups/:slug/topics/:id/comments': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/topics/:id/comments': {
    expect: '401 404 404 201 201 201 201 403 404 401 403 201',
    body: { body: 'Added' }
  },
  'DELETE /api/v1/groups/:slug/topics/:id/comments/:commentId':
    '401 404 404 204 403 204 204 204 404 401 403 204',
  'GET /api/v1/groups/:slug/rounds': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/rounds': {
    expect: '401 403 403 403 403 201 201 201 404 401 403 201',
    body: async (c) => ({ eventId: await ev(c) })
  },
  'GET /api/v1/groups/:slug/rounds/current': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /api/v1/rounds/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /api/v1/rounds/:id/stream': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PUT /api/v1/rounds/:id/votes/:topicId': {
    expect: '401 404 404 200 200 200 200 403 404 401 403 200',
    body: { count: 1 }
  },
  'POST /api/v1/rounds/:id/votes/:topicId/add': '401 404 404 200 200 200 200 403 404 401 403 200',
  'POST /api/v1/rounds/:id/votes/:topicId/remove':
    '401 404 404 200 200 200 200 403 404 401 403 200',
  'POST /api/v1/rounds/:id/close': '401 404 404 403 403 200 200 200 404 401 403 200',
  'POST /api/v1/rounds/:id/override': {
    expect: '401 404 404 403 403 200 200 200 404 401 403 200',
    body: async ({ g }) => ({ topicIds: [await g.topic()], reason: 'By hand' })
  },

  // Polls
  'GET /api/v1/groups/:slug/polls': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/polls': {
    expect: '401 403 403 403 201 201 201 201 404 401 403 201',
    body: {
      question: 'Tea?',
      options: ['yes', 'no'],
      choice: 'single',
      anonymous: false,
      results: 'live'
    }
  },
  'GET /api/v1/polls/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/polls/:id': {
    expect: '401 404 404 404 200 200 200 200 404 401 403 200',
    body: { question: 'Changed?' }
  },
  'DELETE /api/v1/polls/:id': '401 404 404 404 204 204 204 204 404 401 403 204',
  'POST /api/v1/polls/:id/open': '401 404 404 404 200 200 200 200 404 401 403 200',
  'POST /api/v1/polls/:id/close': '401 404 404 403 200 200 200 200 404 401 403 200',
  'POST /api/v1/polls/:id/ballots': {
    expect: '401 404 404 200 200 200 200 403 404 401 403 200',
    body: async ({ g }) => ({ optionIds: [(await g.poll()).option] })
  },
  'GET /api/v1/polls/:id/results.csv': '401 404 404 403 200 200 200 200 404 401 200 200',

  // Board
  'GET /api/v1/groups/:slug/posts': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/groups/:slug/posts': {
    expect: '401 403 403 201 201 201 201 403 404 401 403 201',
    body: { kind: 'discussion', title: 'Added', body: 'Words' }
  },
  'GET /api/v1/posts/:id': '404 404 404 200 200 200 200 200 404 404 200 200',
  'PATCH /api/v1/posts/:id': {
    expect: '401 404 404 200 403 403 403 403 404 401 403 403',
    body: { title: 'Changed' }
  },
  'DELETE /api/v1/posts/:id': '401 404 404 204 403 204 204 204 404 401 403 204',
  'POST /api/v1/posts/:id/solved': '401 404 404 200 403 200 200 200 404 401 403 200',
  'DELETE /api/v1/posts/:id/solved': '401 404 404 200 403 200 200 200 404 401 403 200',
  'POST /api/v1/posts/:id/pin': '401 404 404 403 403 200 200 200 404 401 403 200',
  'DELETE /api/v1/posts/:id/pin': '401 404 404 403 403 200 200 200 404 401 403 200',
  'PUT /api/v1/posts/:id/reactions/:reaction': '401 404 404 200 200 200 200 403 404 401 403 200',
  'DELETE /api/v1/posts/:id/reactions/:reaction': '401 404 404 200 200 200 200 403 404 401 403 200',
  'GET /api/v1/posts/:id/comments': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/posts/:id/comments': {
    expect: '401 404 404 201 201 201 201 403 404 401 403 201',
    body: { body: 'Reply' }
  },
  'PATCH /api/v1/comments/:id': {
    expect: '401 404 404 200 403 403 403 403 404 401 403 403',
    body: { body: 'Edited' }
  },
  'DELETE /api/v1/comments/:id': '401 404 404 204 403 204 204 204 404 401 403 204',
  'PUT /api/v1/comments/:id/reactions/:reaction': '401 404 404 200 200 200 200 403 404 401 403 200',
  'DELETE /api/v1/comments/:id/reactions/:reaction':
    '401 404 404 200 200 200 200 403 404 401 403 200',

  // Live room
  'GET /api/v1/events/:id/room': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/events/:id/room/open': '401 404 404 403 200 200 200 200 404 401 403 200',
  'POST /api/v1/events/:id/room/close': '401 404 404 403 200 200 200 200 404 401 403 200',
  'GET /api/v1/events/:id/room/stream': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /api/v1/events/:id/questions': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/events/:id/questions': {
    expect: '401 404 404 201 201 201 201 403 404 401 403 201',
    body: { body: 'How?' }
  },
  'POST /api/v1/events/:id/hands': '401 404 404 201 201 201 201 403 404 401 403 201',
  'DELETE /api/v1/events/:id/hands/mine': '401 404 404 204 204 204 204 403 404 401 403 204',
  'GET /api/v1/events/:id/kudos': '404 404 404 200 200 200 200 200 404 404 200 200',
  'POST /api/v1/events/:id/kudos': {
    expect: '401 404 404 201 201 201 201 403 404 401 403 201',
    body: ({ w, as }) => ({
      toUserId: (as?.id === w.accounts.host.id ? w.accounts.member : w.accounts.host).id,
      message: 'Thanks!'
    })
  },
  'DELETE /api/v1/questions/:id': '401 404 404 204 403 403 403 403 404 401 403 403',
  'POST /api/v1/questions/:id/upvote': '401 404 404 200 200 200 200 403 404 401 403 200',
  'DELETE /api/v1/questions/:id/upvote': '401 404 404 200 200 200 200 403 404 401 403 200',
  'POST /api/v1/questions/:id/answered': '401 404 404 403 200 200 200 200 404 401 403 200',
  'POST /api/v1/questions/:id/hide': '401 404 404 403 200 200 200 200 404 401 403 200',
  'POST /api/v1/questions/:id/reopen': '401 404 404 403 200 200 200 200 404 401 403 200',
  'POST /api/v1/questions/:id/topic': '401 404 404 403 201 201 201 201 404 401 403 201',
  'POST /api/v1/questions/:id/post': '401 404 404 403 201 201 201 201 404 401 403 201',
  'POST /api/v1/hands/:id/lower': '401 404 404 403 200 200 200 200 404 401 403 200',

  // Moderation
  'POST /api/v1/reports': {
    expect: '401 404 404 201 201 201 201 201 404 401 403 201',
    body: async ({ g }) => ({
      subjectType: 'post',
      subjectId: await g.otherPost(),
      reason: 'spam'
    })
  },
  'GET /api/v1/groups/:slug/reports': '401 403 403 403 403 200 200 200 404 401 200 200',
  'POST /api/v1/reports/:id/resolve': {
    expect: '401 404 404 404 404 200 200 200 404 401 403 200',
    body: { action: 'dismiss' }
  },
  'POST /api/v1/reports/:id/reopen': '401 404 404 404 404 200 200 200 404 401 403 200',

  // Webhooks
  'GET /api/v1/groups/:slug/webhooks': '401 403 403 403 403 200 200 200 404 401 200 200',
  'POST /api/v1/groups/:slug/webhooks': {
    expect: '401 403 403 403 403 201 201 201 404 401 403 201',
    body: { url: 'https://hooks.example.com/new', events: ['post.created'], format: 'chat' }
  },
  'GET /api/v1/webhooks/:id': '401 404 404 404 404 200 200 200 404 401 200 200',
  'PATCH /api/v1/webhooks/:id': {
    expect: '401 404 404 404 404 200 200 200 404 401 403 200',
    body: { url: 'https://hooks.example.com/b' }
  },
  'DELETE /api/v1/webhooks/:id': '401 404 404 404 404 204 204 204 404 401 403 204',
  'POST /api/v1/webhooks/:id/test': '401 404 404 404 404 200 200 200 404 401 403 200',
  'POST /api/v1/webhooks/:id/enable': '401 404 404 404 404 200 200 200 404 401 403 200',
  'POST /api/v1/webhooks/:id/rotate-secret': '401 404 404 404 404 200 200 200 404 401 403 200',
  'GET /api/v1/webhooks/:id/deliveries': '401 404 404 404 404 200 200 200 404 401 200 200',

  // Community health
  'GET /api/v1/groups/:slug/health': '401 404 404 404 404 200 200 200 404 401 200 200',
  'GET /api/v1/groups/:slug/health.csv': {
    expect: '401 404 404 404 404 200 200 200 404 401 200 200',
    query: '?table=members'
  },
  'GET /api/v1/groups/:slug/health/quiet': '401 404 404 404 404 200 200 200 404 401 200 200',
  'POST /api/v1/groups/:slug/health/quiet/:userId/message': {
    expect: '401 404 404 404 404 404 404 404 404 401 403 404',
    body: { subject: 'Hello again', body: 'We miss you.' }
  },
  'GET /api/v1/groups/:slug/health/settings': '401 404 404 404 404 200 200 200 404 401 200 200',
  'PATCH /api/v1/groups/:slug/health/settings': {
    expect: '401 404 404 404 404 200 200 200 404 401 403 200',
    body: { quietDays: 60 }
  },
  'GET /api/v1/groups/:slug/health/public': '404 404 404 404 404 200 200 200 404 404 200 200',

  // Unknown paths: one catch-all per method, asked at /api/v1/no-such-path (pages by route id below)
  'GET *': '404 404 404 404 404 404 404 404 404 404 404 404',
  'POST *': '404 404 404 404 404 404 404 404 404 404 404 404',
  'PUT *': '404 404 404 404 404 404 404 404 404 404 404 404',
  'PATCH *': '404 404 404 404 404 404 404 404 404 404 404 404',
  'DELETE *': '404 404 404 404 404 404 404 404 404 404 404 404',
  'OPTIONS *': '404 404 404 404 404 404 404 404 404 404 404 404',

  // Pages
  'GET /': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /admin/audit': '303 404 404 404 404 404 404 200 404 303 303 303',
  'GET /admin/groups': '303 404 404 404 404 404 404 200 404 303 303 303',
  'GET /admin/health': '303 404 404 404 404 404 404 200 404 303 303 303',
  'GET /admin/moderation': '303 404 404 404 404 404 404 200 404 303 303 303',
  'GET /admin/settings': '303 404 404 404 404 404 404 200 404 303 303 303',
  'GET /admin/users': '303 404 404 404 404 404 404 200 404 303 303 303',
  'GET /board': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /chat/link': {
    expect: '303 200 200 200 200 200 200 200 200 303 303 303',
    query: '?token=made-up'
  },
  'GET /forgot-password': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /groups': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /groups/new': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /groups/[slug]': '200 200 200 200 200 200 200 200 404 200 200 200',
  'GET /groups/[slug]/board': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/board/[id]': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/board/new': '303 404 404 200 200 200 200 404 404 303 303 303',
  'GET /groups/[slug]/edit': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/events/new': '303 404 404 404 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events/[id]': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/events/[id]/agenda': '303 404 404 404 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events/[id]/check-in': '303 404 404 404 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events/[id]/edit': '303 404 404 404 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events/[id]/feedback': '303 404 404 200 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events/[id]/feedback/results':
    '303 404 404 403 403 200 200 200 404 303 303 303',
  'GET /groups/[slug]/events/[id]/room': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/health': '404 404 404 404 404 200 200 200 404 404 200 200',
  'GET /groups/[slug]/health/quiet': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/members': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/moderation': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/polls': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/polls/new': '303 404 404 404 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/polls/[id]': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/requests': '303 403 403 403 403 200 200 200 404 303 303 303',
  'GET /groups/[slug]/rounds/[id]': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/series/new': '303 404 404 404 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/series/[id]': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/speakers': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/speakers/new': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/speakers/[id]': '404 404 404 404 404 200 200 200 404 404 200 200',
  'GET /groups/[slug]/sponsors': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/talks': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/talks/new': '303 200 200 200 200 200 200 200 404 303 303 303',
  'GET /groups/[slug]/talks/[id]': '404 404 404 200 404 200 200 200 404 404 200 200',
  'GET /groups/[slug]/topics': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/topics/[id]': '404 404 404 200 200 200 200 200 404 404 200 200',
  'GET /groups/[slug]/venues': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/webhooks': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /groups/[slug]/webhooks/[id]': '303 404 404 404 404 200 200 200 404 303 303 303',
  'GET /language': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /log-in': { expect: '200 303 303 303 303 303 303 303 303 200 200 200', redirect: '/' },
  'GET /log-out': { expect: '303 200 200 200 200 200 200 200 200 303 303 303', redirect: '/' },
  'GET /meetings': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /networks/[slug]': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /notifications': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /people/[handle]': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /report': {
    expect: '303 200 200 200 200 200 200 200 200 303 303 303',
    query: async ({ g }) => `?subject=post:${await g.post()}`
  },
  'GET /reset-password': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /settings': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /settings/account': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /settings/notifications': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /settings/sessions': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /settings/tokens': '303 200 200 200 200 200 200 200 200 303 303 303',
  'GET /sign-up': { expect: '200 303 303 303 303 303 303 303 303 200 200 200', redirect: '/' },
  'GET /unsubscribe': '200 200 200 200 200 200 200 200 200 200 200 200',
  'GET /verify-email': '200 200 200 200 200 200 200 200 200 200 200 200'
};
