import type { Db } from '../../db/database.ts';
import { toDate } from '../../db/values.ts';
import { can, type GroupRules } from '../../domain/group-policy.ts';
import { isTimeZone } from '../../domain/places.ts';
import { apiTranslator, type Locale } from '../../i18n/i18n.ts';
import { viewerOf } from '../group.service.ts';
import { type ChatIdentity, createChatLinkToken, linkedAccount } from './chat-link.service.ts';

/** A parsed slash-command text. `number` is null when it is missing or not a positive number. */
export type ChatCommand =
  | { kind: 'help' }
  | { kind: 'topics' }
  | { kind: 'vote' | 'unvote'; number: number | null }
  | { kind: 'unknown'; text: string };

/**
 * What chat commands need from voting (src/services/voting/vote.service.ts), bound to the
 * database and the realtime hub by the caller; tests pass a fake.
 */
export interface ChatVoting {
  /** The group's open round (only its id is used), or null when none is open. */
  currentRound(groupId: string): Promise<{ id: string } | null | undefined>;
  /** Adds (+1) or takes back (−1) one of the user's votes; throws a `VoteError` when refused. */
  stepVote(input: {
    roundId: string;
    topicId: string;
    userId: string;
    delta: 1 | -1;
  }): Promise<unknown>;
}

/** The services a command runs with. */
export interface ChatCommandDeps {
  db: Db;
  voting: ChatVoting;
  /** The instance's public URL, for account links and links to the group. */
  baseUrl: string;
}

/** The group a command was sent to (a `Group` from the group service fits). */
export interface ChatGroup extends GroupRules {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
}

/** One slash command as the chat sends it. */
export interface ChatCommandRequest {
  group: ChatGroup;
  teamId: string;
  chatUserId: string;
  /** What the person typed after the command. */
  text: string;
  /** The command itself, e.g. `/guildhall` (used in hints); default `/guildhall`. */
  command?: string | undefined;
}

/** A Slack-compatible reply only the person who typed the command sees. */
export interface ChatReply {
  response_type: 'ephemeral';
  text: string;
}

/** Topics listed in one reply at most; higher numbers still work with `vote`. */
export const MAX_LISTED_TOPICS = 50;

/** The refusals of `stepVote` that get their own reply; any other one gets a general one. */
const KNOWN_VOTE_PROBLEMS = new Set(['overBudget', 'overTopicCap', 'roundClosed', 'topicNotFound']);

/**
 * Reads a command text: `topics`, `vote <n>`, `unvote <n>`, `help` (case-insensitive, `#n`
 * allowed). An empty text is `help`.
 *
 * @example
 * parseChatCommand('Vote #2'); // { kind: 'vote', number: 2 }
 * parseChatCommand('unvote x'); // { kind: 'unvote', number: null }
 */
export function parseChatCommand(text: string): ChatCommand {
  const [word = '', ...rest] = text.trim().split(/\s+/);
  const verb = word.toLowerCase();
  if (verb === '' || verb === 'help') return { kind: 'help' };
  if (verb === 'topics' && rest.length === 0) return { kind: 'topics' };
  if (verb === 'vote' || verb === 'unvote') {
    const arg = rest.length === 1 ? (rest[0] ?? '').replace(/^#/, '') : '';
    const number = /^\d{1,6}$/.test(arg) ? Number(arg) : 0;
    return { kind: verb, number: number >= 1 ? number : null };
  }
  return { kind: 'unknown', text: text.trim().slice(0, 100) };
}

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters.
 *
 * @example
 * escapeSlack('a < b & c'); // 'a &lt; b &amp; c'
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The `problem` of a `VoteError` (or any error carrying a string `problem`), else null. */
function voteProblem(error: unknown): string | null {
  if (error instanceof Error && 'problem' in error && typeof error.problem === 'string') {
    return error.problem;
  }
  return null;
}

interface RoundState {
  meetingTitle: string;
  closesAt: Date;
  votesPerMember: number;
  votesPerTopic: number;
  live: boolean;
  topics: { id: string; title: string; votes: number; mine: number }[];
  left: number;
}

/** The open round as one member sees it: its topics in listing order, votes, and dots left. */
async function roundState(db: Db, roundId: string, userId: string): Promise<RoundState | null> {
  const round = await db.kysely
    .selectFrom('voting_rounds')
    .innerJoin('events', 'events.id', 'voting_rounds.event_id')
    .select([
      'voting_rounds.group_id',
      'voting_rounds.status',
      'voting_rounds.closes_at',
      'voting_rounds.votes_per_member',
      'voting_rounds.votes_per_topic',
      'voting_rounds.tally_visibility',
      'events.title'
    ])
    .where('voting_rounds.id', '=', roundId)
    .executeTakeFirst();
  if (round?.status !== 'open') return null;
  const topics = await db.kysely
    .selectFrom('topics')
    .select(['id', 'title'])
    .where('group_id', '=', round.group_id)
    .where('status', '=', 'open')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const votes = await db.kysely
    .selectFrom('votes')
    .select(['topic_id', 'user_id', 'count'])
    .where('round_id', '=', roundId)
    .execute();
  const total = new Map<string, number>();
  const mine = new Map<string, number>();
  let used = 0;
  for (const vote of votes) {
    total.set(vote.topic_id, (total.get(vote.topic_id) ?? 0) + vote.count);
    if (vote.user_id === userId) {
      mine.set(vote.topic_id, vote.count);
      used += vote.count;
    }
  }
  return {
    meetingTitle: round.title,
    closesAt: toDate(round.closes_at),
    votesPerMember: round.votes_per_member,
    votesPerTopic: round.votes_per_topic,
    live: round.tally_visibility === 'live',
    topics: topics.map((topic) => ({
      id: topic.id,
      title: topic.title,
      votes: total.get(topic.id) ?? 0,
      mine: mine.get(topic.id) ?? 0
    })),
    left: Math.max(0, round.votes_per_member - used)
  };
}

function formatTime(date: Date, timeZone: string, locale: Locale): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const text = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    dateStyle: 'medium',
    timeStyle: 'short'
  }).format(date);
  return `${text} (${zone})`;
}

/**
 * Runs one slash command for a chat account and returns the reply, in the linked account's
 * language (English when the chat account is not linked yet).
 *
 * - `help` (or an empty text) lists the commands; an unknown text says so and lists them too.
 * - Everything else needs a linked account: an unlinked chat user gets a one-time link
 *   (`<baseUrl>/chat/link?token=…`, valid 30 minutes).
 * - Only active members vote or see the round: anyone else is told to join, and no vote is cast.
 * - `topics` numbers the open round's topics by proposal time (then id); `vote <n>` and
 *   `unvote <n>` add or take back one vote on topic n through `voting.stepVote`, whose
 *   refusals (over budget, topic cap, round closed, not a member) become replies.
 */
export async function runChatCommand(
  deps: ChatCommandDeps,
  request: ChatCommandRequest,
  now = new Date()
): Promise<ChatReply> {
  const { db, voting, baseUrl } = deps;
  const { group } = request;
  const identity: ChatIdentity = {
    groupId: group.id,
    teamId: request.teamId,
    chatUserId: request.chatUserId
  };
  const parsed = parseChatCommand(request.text);
  const account = await linkedAccount(db, identity);
  const locale: Locale = account?.locale ?? 'en';
  const t = apiTranslator(locale);
  const command = escapeSlack(request.command?.trim() || '/guildhall');
  const groupName = escapeSlack(group.name);
  const reply = (...lines: string[]): ChatReply => ({
    response_type: 'ephemeral',
    text: lines.filter(Boolean).join('\n')
  });
  const linkLine = async (): Promise<string> => {
    const { token } = await createChatLinkToken(db, identity, now);
    const url = `${baseUrl}/chat/link?token=${encodeURIComponent(token)}`;
    return t('chat.link', { url, group: groupName });
  };

  if (parsed.kind === 'help' || parsed.kind === 'unknown') {
    return reply(
      parsed.kind === 'unknown' ? t('chat.unknownCommand', { text: escapeSlack(parsed.text) }) : '',
      t('chat.help', { command, group: groupName }),
      account ? '' : await linkLine()
    );
  }
  if (!account) return reply(await linkLine());

  const groupUrl = `${baseUrl}/groups/${encodeURIComponent(group.slug)}`;
  const notMember = () => reply(t('chat.notMember', { group: groupName, url: groupUrl }));
  const viewer = await viewerOf(db, group.id, account.userId);
  if (!can(viewer, group, 'topic.vote')) return notMember();

  const current = await voting.currentRound(group.id);
  const state = current ? await roundState(db, current.id, account.userId) : null;
  if (!current || !state) return reply(t('chat.noRound', { group: groupName }));
  const leftLine = (left: number) =>
    t('chat.votesLeft', { count: left, total: state.votesPerMember });

  if (parsed.kind === 'topics') {
    if (state.topics.length === 0) {
      return reply(t('chat.noTopics', { url: `${groupUrl}/topics` }));
    }
    const lines = state.topics.slice(0, MAX_LISTED_TOPICS).map((topic, index) => {
      const parts = [`${index + 1}. ${escapeSlack(topic.title)}`];
      if (state.live) parts.push(t('chat.topicVotes', { count: topic.votes }));
      if (topic.mine > 0) parts.push(t('chat.topicMine', { count: topic.mine }));
      return parts.join(' · ');
    });
    const more = state.topics.length - MAX_LISTED_TOPICS;
    return reply(
      t('chat.topicsHeading', {
        meeting: escapeSlack(state.meetingTitle),
        closes: formatTime(state.closesAt, group.timeZone, locale)
      }),
      ...lines,
      more > 0 ? t('chat.moreTopics', { count: more, url: `${groupUrl}/topics` }) : '',
      state.live ? '' : t('chat.tallyHidden'),
      leftLine(state.left),
      t('chat.voteHint', { command })
    );
  }

  if (parsed.number === null) return reply(t('chat.voteUsage', { command }));
  const topic = state.topics[parsed.number - 1];
  if (!topic) return reply(t('chat.noSuchTopic', { number: parsed.number, command }));
  const title = escapeSlack(topic.title);
  if (parsed.kind === 'unvote' && topic.mine === 0) {
    return reply(t('chat.noVoteToRemove', { title }));
  }
  try {
    await voting.stepVote({
      roundId: current.id,
      topicId: topic.id,
      userId: account.userId,
      delta: parsed.kind === 'vote' ? 1 : -1
    });
  } catch (error) {
    const problem = voteProblem(error);
    if (problem === null) throw error;
    if (problem === 'notMember') return notMember();
    if (problem === 'roundNotFound') return reply(t('chat.noRound', { group: groupName }));
    if (!KNOWN_VOTE_PROBLEMS.has(problem)) {
      return reply(t('chat.problem.other', { url: `${groupUrl}/topics` }));
    }
    return reply(
      t(`chat.problem.${problem}`, {
        command,
        total: state.votesPerMember,
        cap: state.votesPerTopic
      })
    );
  }
  const after = await roundState(db, current.id, account.userId);
  return reply(
    t(parsed.kind === 'vote' ? 'chat.voted' : 'chat.unvoted', { title }),
    leftLine(after?.left ?? state.left)
  );
}
