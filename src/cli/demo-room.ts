// The demo's meeting room: the last meeting the Community of Practice held, with the questions
// asked there (upvoted, one answered, one anonymous, one made a backlog topic), a poll with its
// results, kudos to a speaker and a member, and the feedback attendees gave afterwards.
import type { Db } from '../db/database.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { InProcessRealtime } from '../jobs/realtime.ts';
import { appendAgendaItem } from '../services/agenda.service.ts';
import { findMeeting, type Meeting } from '../services/event.service.ts';
import { saveFeedback } from '../services/feedback/feedback.service.ts';
import type { Group } from '../services/group.service.ts';
import { castBallot } from '../services/poll/poll-ballot.service.ts';
import { closePoll, createPoll } from '../services/poll/poll-write.service.ts';
import { giveKudos } from '../services/room/kudos.service.ts';
import { makeQuestionTopic } from '../services/room/question-topic.service.ts';
import { askQuestion, moderateQuestion, setUpvote } from '../services/room/question.service.ts';
import { raiseHand, lowerHand } from '../services/room/hand.service.ts';
import { createSpeaker } from '../services/speaker.service.ts';
import { createTalk } from '../services/talk-write.service.ts';

const MINUTE = 60_000;

/** Poll answers by attendee (index into the options), in the order they answered. */
const POLL_ANSWERS = [0, 0, 2, 1, 0, 2, 0];
/** Meeting ratings, by attendee; null: they rated only the items. */
const RATINGS = [5, 4, 5, null, 4, 3, 5];

/**
 * Fills in the room and the feedback of the group's latest past meeting (idempotent: a meeting
 * that has questions is left alone). `organizer` runs the room; the attendees are those checked in.
 */
export async function seedRoom(db: Db, group: Group, organizer: string, now: Date): Promise<void> {
  const row = await db.kysely
    .selectFrom('events')
    .select('id')
    .where('group_id', '=', group.id)
    .where('status', '=', 'published')
    .where('ends_at', '<', now.toISOString())
    .orderBy('starts_at', 'desc')
    .executeTakeFirst();
  const meeting = row ? await findMeeting(db, row.id) : null;
  if (!meeting) return;
  const asked = await db.kysely
    .selectFrom('questions')
    .select('id')
    .where('event_id', '=', meeting.id)
    .executeTakeFirst();
  if (asked) return;
  const attendees = (
    await db.kysely
      .selectFrom('rsvps')
      .select('user_id')
      .where('event_id', '=', meeting.id)
      .where('checked_in_at', 'is not', null)
      .where('user_id', '!=', organizer)
      .orderBy('created_at')
      .execute()
  ).map((r) => r.user_id);
  if (attendees.length < 3) return;
  const realtime = new InProcessRealtime();
  const ctx = { db, realtime };
  const at = (minutes: number) => new Date(meeting.startsAt.getTime() + minutes * MINUTE);
  const person = (i: number) => attendees[i % attendees.length] ?? organizer;

  const items = await agendaOfPastMeeting(db, group, meeting, organizer, person(0));
  await askAndModerate(ctx, group, meeting, organizer, attendees, at);

  // A hand raised during the discussion, taken by the organizer.
  const { hand } = await raiseHand(ctx, meeting, person(2), at(50));
  await lowerHand(ctx, meeting.id, hand.id, organizer, at(52));

  const poll = await createPoll(
    db,
    realtime,
    {
      groupId: group.id,
      createdBy: organizer,
      open: true,
      input: {
        question: 'Do you prefer meeting in person or online?',
        options: ['In person', 'Online', 'Both: hybrid'],
        choice: 'single',
        anonymous: true,
        results: 'live',
        eventId: meeting.id,
        closesAt: null
      }
    },
    at(60)
  );
  for (const [i, option] of POLL_ANSWERS.entries()) {
    const userId = attendees[i];
    const optionId = poll.options[option]?.id;
    if (!userId || !optionId) continue;
    await castBallot(db, realtime, { pollId: poll.id, userId, optionIds: [optionId] }, at(61 + i));
  }
  await closePoll(db, realtime, poll.id, {}, at(70));

  await giveKudos(
    ctx,
    meeting,
    person(1),
    { toSpeakerId: items.speakerId },
    'The platform story was exactly what our team needed. Thank you!',
    at(75)
  );
  await giveKudos(
    ctx,
    meeting,
    person(0),
    { toUserId: organizer },
    'Great moderation: everyone got a word in.',
    at(80)
  );

  for (const [i, rating] of RATINGS.entries()) {
    const userId = attendees[i];
    if (!userId) continue;
    await saveFeedback(
      db,
      meeting.id,
      userId,
      {
        rating,
        comment:
          i === 0 ? 'Good mix of a talk and a discussion. More time for questions, please.' : '',
        nextTime:
          i === 1
            ? 'How do you test Terraform modules?'
            : i === 4
              ? 'A hands-on session with Crossplane'
              : '',
        items: [
          {
            agendaItemId: items.talkItemId,
            rating: Math.min(5, (rating ?? 4) + (i % 2)),
            comment: i === 2 ? 'Slides were hard to read from the back.' : '',
            anonymous: i === 2
          },
          {
            agendaItemId: items.topicItemId,
            rating: 3 + (i % 3),
            comment: '',
            anonymous: false
          }
        ]
      },
      new Date(meeting.endsAt.getTime() + (i + 1) * 60 * MINUTE)
    );
  }
  await realtime.close();
}

/** The past meeting's agenda: an invited talk and a topic discussion. */
async function agendaOfPastMeeting(
  db: Db,
  group: Group,
  meeting: Meeting,
  organizer: string,
  moderator: string
): Promise<{ talkItemId: string; topicItemId: string; speakerId: string }> {
  const speaker = await createSpeaker(db, group.id, organizer, {
    name: 'Jonas Petersen',
    bio: 'Site reliability engineer; talks about **on-call that does not burn people out**.',
    company: 'Elbstrom Energy',
    contact: 'jonas.petersen@elbstrom.example'
  });
  const talk = await createTalk(db, group.id, organizer, {
    title: 'On-call without burnout',
    abstract: 'Rotations, alert budgets and the runbooks we rewrote after our worst quarter.',
    durationMinutes: 35,
    level: 'intermediate',
    speakerId: speaker.id
  });
  return writeTransaction(db, async (trx) => {
    await trx
      .updateTable('talks')
      .set({ status: 'accepted', event_id: meeting.id, decided_by: organizer })
      .where('id', '=', talk.id)
      .execute();
    const talkItemId = await appendAgendaItem(trx, meeting.id, {
      kind: 'talk',
      title: talk.title,
      durationMinutes: 35,
      talkId: talk.id
    });
    const topicItemId = await appendAgendaItem(trx, meeting.id, {
      kind: 'topic',
      title: 'Who owns the pager in a platform team?',
      durationMinutes: 30,
      moderatorId: moderator
    });
    return { talkItemId, topicItemId, speakerId: speaker.id };
  });
}

/** Questions of the Q&A: upvoted, one answered, one anonymous, one made a backlog topic. */
async function askAndModerate(
  ctx: { db: Db; realtime: InProcessRealtime },
  group: Group,
  meeting: Meeting,
  organizer: string,
  attendees: readonly string[],
  at: (minutes: number) => Date
): Promise<void> {
  const person = (i: number) => attendees[i % attendees.length] ?? organizer;
  const questions = [
    { by: 0, body: 'How many alerts per week did you budget per person?', anonymous: false },
    { by: 1, body: 'Do developers carry the pager for their own services?', anonymous: false },
    {
      by: 2,
      body: 'What do you do when management wants 24/7 on-call without paying for it?',
      anonymous: true
    },
    { by: 3, body: 'Which runbook format worked best for you?', anonymous: false }
  ];
  const ids: string[] = [];
  for (const [i, q] of questions.entries()) {
    const asked = await askQuestion(
      ctx,
      meeting,
      person(q.by),
      { body: q.body, anonymous: q.anonymous },
      at(20 + i * 3)
    );
    ids.push(asked.id);
  }
  const upvotes: [question: number, voters: number[]][] = [
    [0, [1, 2, 3, 4]],
    [1, [0, 2]],
    [2, [0, 1, 3, 4, 5]],
    [3, [1]]
  ];
  for (const [question, voters] of upvotes) {
    for (const voter of voters) {
      const userId = person(voter);
      const id = ids[question];
      if (!id || userId === person(questions[question]?.by ?? -1)) continue;
      await setUpvote(ctx, meeting, id, userId, true, at(34 + voter));
    }
  }
  const [first, second, , fourth] = ids;
  if (first) await moderateQuestion(ctx, meeting.id, first, 'answered', at(45));
  if (second) await moderateQuestion(ctx, meeting.id, second, 'answered', at(47));
  // The question nobody had time for goes to the backlog for the next meeting.
  if (fourth) await makeQuestionTopic(ctx, meeting, group, fourth, organizer, at(88));
}
