import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { adminGroupRoutes } from './routes/admin/admin-groups.routes.ts';
import { adminRoutes } from './routes/admin/admin.routes.ts';
import { authRoutes } from './routes/auth/auth.routes.ts';
import { calendarRoutes } from './routes/events/calendar.routes.ts';
import { eventRoutes } from './routes/events/events.routes.ts';
import { rsvpRoutes } from './routes/events/rsvps.routes.ts';
import { seriesRoutes } from './routes/events/series.routes.ts';
import { groupRoutes } from './routes/groups/groups.routes.ts';
import { memberRoutes } from './routes/groups/members.routes.ts';
import { groupSearchRoutes } from './routes/groups/search.routes.ts';
import { invitationRoutes } from './routes/groups/invitations.routes.ts';
import { meRoutes } from './routes/me/me.routes.ts';
import { privacyRoutes } from './routes/me/privacy.routes.ts';
import { networkRoutes } from './routes/networks/networks.routes.ts';
import { placeRoutes } from './routes/places/places.routes.ts';
import { sponsorRoutes } from './routes/sponsors/sponsors.routes.ts';
import { venueRoutes } from './routes/venues/venues.routes.ts';
import { sessionRoutes } from './routes/sessions/sessions.routes.ts';
import { unsubscribeRoutes } from './routes/unsubscribe/unsubscribe.routes.ts';
import { tokenRoutes } from './routes/tokens/tokens.routes.ts';
import { topicRoutes } from './routes/topics/topics.routes.ts';
import { roundRoutes } from './routes/rounds/rounds.routes.ts';
import { talkRoutes } from './routes/talks/talks.routes.ts';
import { speakerRoutes } from './routes/talks/speakers.routes.ts';
import { agendaRoutes } from './routes/talks/agenda.routes.ts';
import { chatRoutes } from './routes/chat/chat.routes.ts';
import { pollRoutes } from './routes/polls/polls.routes.ts';
import { roomRoutes } from './routes/room/room.routes.ts';
import { roomStreamRoutes } from './routes/room/room-stream.routes.ts';
import { feedbackRoutes } from './routes/feedback/feedback.routes.ts';
import { boardRoutes } from './routes/board/board.routes.ts';
import { notificationRoutes } from './routes/notifications/notifications.routes.ts';
import { healthRoutes } from './routes/health/health.routes.ts';
import { webhookRoutes } from './routes/webhooks/webhooks.routes.ts';
import { reportRoutes } from './routes/reports/reports.routes.ts';

/**
 * The route table of /api/v1, grouped by who may call it. Each route also states its rule in
 * `config.access` ('public' | 'user' | 'session'), enforced by caller.ts.
 *
 * public   POST /auth/sign-up, /auth/log-in, /auth/log-out, /auth/verify-email,
 *               /auth/resend-verification, /auth/forgot-password, /auth/reset-password
 * user     GET /me, PATCH /me (write token), GET /me/tokens
 *          GET /groups (search), GET /groups/:slug, GET /groups/:slug/members (404 when hidden from the caller)
 * user     POST /groups, GET /me/groups, POST /groups/:slug/join, /leave, PATCH /groups/:slug/membership
 * group    PATCH /groups/:slug, GET /groups/:slug/requests, POST …/requests/:userId/approve|decline,
 *  staff   PATCH|DELETE /groups/:slug/members/:userId, POST …/members/:userId/ban,
 *          GET /groups/:slug/audit, POST /groups/:slug/invitations (rules in domain/group-policy.ts)
 * public   GET /invitations/:token;  user: POST /invitations/accept
 * owner    POST /groups/:slug/transfer
 * admin    GET|PATCH /admin/settings, POST /admin/test-mail, GET /admin/users, POST
 *          /admin/users/:id/suspend|restore, PUT /admin/users/:id/admin, DELETE /admin/users/:id,
 *          GET /admin/audit, POST /networks, PUT|DELETE /networks/:slug/chapters/:groupSlug,
 *          GET /admin/groups, POST /admin/groups/:slug/hide|unhide (hidden from the instance: 404 to
 *          all but active members and admins, out of every list, nobody joins)
 * public   GET /networks, GET /networks/:slug
 * public   GET /places (rate limited)
 * public   GET|POST /unsubscribe?token= (one-click unsubscribe, RFC 8058; rate limited)
 * group    GET /groups/:slug/venues, /venues/:id, /sponsors, /sponsors/:id (as the group; ?includeArchived=true: staff)
 *  staff   POST /groups/:slug/venues|sponsors, PATCH|DELETE …/venues/:id, …/sponsors/:id
 * group    GET /groups/:slug/topics[/:id[/comments]], GET /groups/:slug/rounds[/current], GET /rounds/:id,
 *          GET /rounds/:id/stream (SSE), GET /events/:id/agenda, GET /groups/:slug/talks[/:id] (accepted,
 *          plus one's own), GET /groups/:slug/speakers[/:id]  (all as the group: 404 to those who may not read it)
 * member   POST /groups/:slug/topics, …/topics/:id/comments, PUT /rounds/:id/votes/:topicId, POST …/add|remove,
 *          POST /groups/:slug/talks
 *  own     PATCH /groups/:slug/topics/:id, …/withdraw (proposer); PATCH /groups/:slug/talks/:id, …/withdraw
 *          (submitter); DELETE …/comments/:commentId (author or staff); PATCH …/speakers/:id (the member themself)
 * group    POST /groups/:slug/topics/:id/archive|merge|discussed, POST /groups/:slug/rounds, /rounds/:id/close,
 *  staff   /rounds/:id/override, POST /groups/:slug/talks/:id/accept|decline|later, POST|PATCH …/speakers
 * host+    PUT /events/:id/agenda
 * group    GET /events/:id/room, GET /events/:id/room/stream (SSE with Last-Event-ID replay),
 *          GET /events/:id/questions, GET /events/:id/kudos (hidden questions only for hosts),
 *          GET /groups/:slug/polls (drafts only for host+), GET /polls/:id (a draft: 404 but to host+)
 * member   POST /events/:id/questions, POST|DELETE /questions/:id/upvote, POST /events/:id/hands,
 *  (room)  POST /events/:id/kudos (going, checked in or host+; room open); DELETE /events/:id/hands/mine
 *  own     DELETE /questions/:id (its author, room open)
 * member   POST /polls/:id/ballots (group polls: active members; meeting polls: going, checked in or
 *          host+; one ballot, final)
 * host+    POST /events/:id/room/open|close, POST /questions/:id/answered|hide|reopen|topic,
 *          POST /hands/:id/lower, POST /groups/:slug/polls, PATCH|DELETE /polls/:id (drafts only),
 *          POST /polls/:id/open|close, GET /polls/:id/results.csv
 * user     GET /events/:id/feedback/form (who may read the meeting; canGive + reason)
 * attendee PUT /events/:id/feedback (active member who attended — checked in, else going; from the
 *          start until 30 days after the end; one per attendee)
 * group    GET /events/:id/feedback, GET /events/:id/feedback.csv,
 *  staff   POST /events/:id/feedback/:feedbackId/topic
 * speaker  GET /groups/:slug/talks/:id/feedback (the talk's speaker — anonymous authors hidden — or staff)
 * group    GET /groups/:slug/posts?kind=&includeExpired=&cursor=&limit= (pinned first; hidden posts
 *          only to post.moderate and their author; removed never listed), GET /posts/:id (removed:
 *          empty words), GET /posts/:id/comments
 * member   POST /groups/:slug/posts (announcements: organizers and up, 403), POST /posts/:id/comments
 *          (one level: a reply to a reply is 400 on parentId), PUT|DELETE /posts/:id/reactions/:reaction,
 *          PUT|DELETE /comments/:id/reactions/:reaction (idempotent)
 *  own     PATCH /posts/:id, PATCH /comments/:id (author, active member); DELETE /posts/:id,
 *          DELETE /comments/:id (author or post.moderate); POST|DELETE /posts/:id/solved (help
 *          posts: author or post.moderate)
 * group    POST|DELETE /posts/:id/pin (post.moderate: organizers and up, admins)
 *  staff
 * user     GET /me/board?cursor=&limit= (posts of the caller's active groups)
 * user     POST /reports (posts, comments: report.create where the caller sees them; profiles: anyone
 *          signed in; own things 400; one open report per reporter and subject, else 409)
 * public   GET /people/:handle (openToWork only to people who share an active group)
 * group    GET /groups/:slug/reports (report.review: organizers and up, admins)
 *  staff   POST /reports/:id/resolve|reopen (report.review in the report's group; profile reports:
 *          admins; 404 to everyone else, reporters included)
 * admin    GET /admin/reports (profile reports; ?scope=all: every group's too)
 * group    GET|POST /groups/:slug/webhooks, GET|PATCH|DELETE /webhooks/:id, POST /webhooks/:id/test,
 *  staff   /enable, /rotate-secret, GET /webhooks/:id/deliveries (webhook.manage: organizers and up,
 *          admins; a webhook is 404 to everyone else; the secret only in the create and rotate answers)
 * group    GET /groups/:slug/health (the dashboard), GET /groups/:slug/health.csv?table=members|meetings|
 *  staff   topics|talks|participation|quiet, GET /groups/:slug/health/quiet, POST …/health/quiet/:userId/message
 *          (health.outreach; 404 when not on the list, 409 within 7 days of the last message),
 *          GET|PATCH /groups/:slug/health/settings (health.view: organizers and up, admins; 404 to others)
 * group    GET /groups/:slug/health/public (figures without names: to those who may read the group when it
 *          made them public, 404 otherwise; staff always)
 * admin    GET /admin/health, GET /admin/health.csv, POST /admin/health/rollup (bring the figures up to date)
 * user     GET /me/notifications?cursor=&limit=&unread=true, GET /me/notifications/unread-count,
 *          POST /me/notifications/:id/read (404 for another's), POST /me/notifications/read-all,
 *          GET|PUT /me/notification-preferences (moderation not changeable: 400)
 * signed   POST /chat/:groupSlug/commands (Slack-compatible request signature, no login)
 * public   GET /chat/links/:token;  session: POST /chat/links/:token
 * session  POST /me/password, POST /me/email, GET /me/sessions, DELETE /me/sessions/:id,
 *          POST /me/sessions/revoke-others, POST /me/tokens, DELETE /me/tokens/:id,
 *          GET /me/export (all your data as JSON), GET /me/deletion (what blocks deleting),
 *          DELETE /me (password; content anonymized or removed; 409 while owning a group)
 */
export async function registerApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(authRoutes, ctx);
  await app.register(meRoutes, ctx);
  await app.register(privacyRoutes, ctx);
  await app.register(sessionRoutes, ctx);
  await app.register(tokenRoutes, ctx);
  await app.register(groupRoutes, ctx);
  await app.register(memberRoutes, ctx);
  await app.register(groupSearchRoutes, ctx);
  await app.register(invitationRoutes, ctx);
  await app.register(networkRoutes, ctx);
  await app.register(placeRoutes, ctx);
  await app.register(venueRoutes, ctx);
  await app.register(sponsorRoutes, ctx);
  await app.register(eventRoutes, ctx);
  await app.register(rsvpRoutes, ctx);
  await app.register(seriesRoutes, ctx);
  await app.register(calendarRoutes, ctx);
  await app.register(topicRoutes, ctx);
  await app.register(roundRoutes, ctx);
  await app.register(talkRoutes, ctx);
  await app.register(speakerRoutes, ctx);
  await app.register(agendaRoutes, ctx);
  await app.register(chatRoutes, ctx);
  await app.register(pollRoutes, ctx);
  await app.register(roomRoutes, ctx);
  await app.register(roomStreamRoutes, ctx);
  await app.register(feedbackRoutes, ctx);
  await app.register(boardRoutes, ctx);
  await app.register(notificationRoutes, ctx);
  await app.register(webhookRoutes, ctx);
  await app.register(healthRoutes, ctx);
  await app.register(reportRoutes, ctx);
  await app.register(unsubscribeRoutes, ctx);
  await app.register(adminRoutes, ctx);
  await app.register(adminGroupRoutes, ctx);
}
