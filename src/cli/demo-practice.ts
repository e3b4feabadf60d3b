import type { Db } from '../db/database.ts';
import { dbBool } from '../db/values.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { InProcessRealtime } from '../jobs/realtime.ts';
import type { Group } from '../services/group.service.ts';
import { createSpeaker } from '../services/speaker.service.ts';
import { acceptTalk, createTalk } from '../services/talk-write.service.ts';
import { addComment } from '../services/topic-comment.service.ts';
import { proposeTopic, type TopicInput } from '../services/topic.service.ts';
import { openRound } from '../services/voting/round.service.ts';
import { closeVotingRound } from '../services/voting/round-close.service.ts';
import { setVote } from '../services/voting/vote.service.ts';

const DAY = 86_400_000;

/** The backlog of the demo Community of Practice, oldest proposal first. */
const TOPICS: TopicInput[] = [
  {
    title: 'Terraform state: one big state or many small ones?',
    description:
      'We keep hitting lock contention on the shared state. How do other teams split it, and what did it cost them?',
    wants: 'explain'
  },
  {
    title: 'Our first month with OpenTelemetry tracing',
    description: 'What we instrumented, what it cost, and the three dashboards we actually use.',
    linkUrl: 'https://opentelemetry.io/docs/',
    wants: 'present'
  },
  {
    title: 'Platform team vs. enablement team',
    description: 'Who owns the golden path? A discussion, not a talk.',
    wants: 'explain'
  },
  {
    title: 'Cutting CI time in half with remote caching',
    description: 'Numbers from our monorepo: before, after, and what broke on the way.',
    wants: 'present'
  },
  {
    title: 'Kubernetes cost reports people read',
    description: 'Showback per team without a FinOps department.',
    wants: 'explain'
  },
  {
    title: 'Secrets rotation without downtime',
    description: 'Vault, sealed secrets, or the cloud provider’s own store?',
    wants: 'explain'
  },
  {
    title: 'Blameless postmortems that lead to change',
    description: 'How to get from "action items" to actions.',
    wants: 'present'
  }
];

/**
 * Dots per voter: indexes into TOPICS. The first five topics stand in the round for the next
 * meeting (closed: the top two went on its agenda); the rest, with two new ones, in the open round.
 */
const CLOSED_ROUND_VOTES: number[][] = [
  [0, 1, 3],
  [1, 3, 4],
  [0, 1, 2],
  [1, 2, 3],
  [3, 4, 0],
  [1, 3]
];
const OPEN_ROUND_VOTES: number[][] = [
  [0, 2, 5],
  [5, 6, 2],
  [0, 5],
  [6, 4, 5]
];

/**
 * The Community of Practice's topics, votes, rounds, talks and an invited speaker (idempotent: a
 * group that has topics is left alone). The round for the next meeting is closed — its top two
 * topics are on that meeting's agenda after the accepted talks — and a round for the meeting after
 * it is open with votes. `people` are active members, organizer first.
 */
export async function seedPractice(
  db: Db,
  queue: JobQueue,
  group: Group,
  people: readonly string[],
  now: Date
): Promise<void> {
  const [organizer, ...members] = people;
  if (!organizer || members.length < CLOSED_ROUND_VOTES.length) return;
  const existing = await db.kysely
    .selectFrom('topics')
    .select('id')
    .where('group_id', '=', group.id)
    .executeTakeFirst();
  if (existing) return;
  const upcoming = await db.kysely
    .selectFrom('events')
    .select(['id', 'starts_at'])
    .where('group_id', '=', group.id)
    .where('status', '=', 'published')
    .where('starts_at', '>', now.toISOString())
    .orderBy('starts_at')
    .limit(2)
    .execute();
  const [next, afterNext] = upcoming;
  if (!next || !afterNext) return;
  const realtime = new InProcessRealtime();
  const deps = { queue, realtime };

  const topics: string[] = [];
  for (const [index, input] of TOPICS.entries()) {
    const proposer = members[index % members.length] ?? organizer;
    const proposedAt = new Date(now.getTime() - (40 - index * 5) * DAY);
    topics.push((await proposeTopic(db, group.id, proposer, input, proposedAt)).id);
  }
  const topic = (index: number): string => topics[index] ?? '';
  await addComment(
    db,
    group.id,
    topic(0),
    members[1] ?? organizer,
    'We split per environment and per team last year. Happy to share the migration script.',
    new Date(now.getTime() - 20 * DAY)
  );
  await addComment(
    db,
    group.id,
    topic(2),
    organizer,
    'Let’s keep this one to 30 minutes and write down what we agree on.',
    new Date(now.getTime() - 12 * DAY)
  );

  // Talks first, so the round's topics follow them on the agenda.
  const speaker = await createSpeaker(db, group.id, organizer, {
    name: 'Dr. Lena Vogt',
    bio: 'Runs the platform team of a logistics company; writes about **internal developer platforms**.',
    company: 'Nordhafen Logistics',
    contact: 'lena.vogt@nordhafen.example'
  });
  const invited = await createTalk(db, group.id, organizer, {
    title: 'Golden paths that people actually walk',
    abstract:
      'Five years of an internal developer platform: what teams adopted and what they ignored.',
    durationMinutes: 30,
    level: 'intermediate',
    speakerId: speaker.id
  });
  await acceptTalk(db, group.id, invited.id, organizer, next.id);
  const lightning = await createTalk(db, group.id, members[0] ?? organizer, {
    title: 'Ten minutes of kubectl tricks',
    abstract: 'Plugins and aliases that save me an hour a week.',
    durationMinutes: 10,
    level: 'beginner'
  });
  await acceptTalk(db, group.id, lightning.id, organizer, next.id);
  await createTalk(db, group.id, members[2] ?? organizer, {
    title: 'Policy as code with OPA in the pipeline',
    abstract: 'Rego rules that block a bad deploy before anyone reviews it.',
    durationMinutes: 25,
    level: 'advanced'
  });

  const opened = new Date(now.getTime() - 10 * DAY);
  const closed = await openRound(
    db,
    { groupId: group.id, eventId: next.id, openedBy: organizer },
    opened
  );
  for (const [voter, dots] of CLOSED_ROUND_VOTES.entries()) {
    for (const index of dots) {
      await setVote(
        db,
        realtime,
        {
          roundId: closed.id,
          topicId: topic(index),
          userId: members[voter] ?? organizer,
          count: 1
        },
        new Date(opened.getTime() + (voter + 1) * 3_600_000)
      );
    }
  }
  await closeVotingRound(db, deps, closed.id, {
    actorId: organizer,
    now: new Date(now.getTime() - DAY)
  });

  const open = await openRound(
    db,
    { groupId: group.id, eventId: afterNext.id, openedBy: null },
    now
  );
  for (const [voter, dots] of OPEN_ROUND_VOTES.entries()) {
    for (const index of dots) {
      await setVote(
        db,
        realtime,
        {
          roundId: open.id,
          topicId: topic(index),
          userId: members[voter + 1] ?? organizer,
          count: 1
        },
        now
      );
    }
  }
  // Rounds open by themselves from now on: after each session, for the next one.
  await db.kysely
    .updateTable('series')
    .set({ voting_rounds: dbBool(db, true) })
    .where('group_id', '=', group.id)
    .execute();
  await realtime.close();
}
