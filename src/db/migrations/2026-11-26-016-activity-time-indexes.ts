import type { Kysely } from 'kysely';

// The health rollup reads every kind of participation by the time it happened, one slice of days
// at a time (health-signals.ts). Migration 014 indexed RSVPs and membership changes by that time;
// the other tables it reads had none, so every slice read each of them whole: on the large bench
// set (877,000 votes, 341,000 poll answers, 290,000 posts, …) a later run's two weeks cost minutes,
// and a run over all history far more. Each slice also reads and replaces what it wrote before by
// day: health_days and health_meetings are keyed by group first, so that read every row too.
const INDEXES = [
  ['votes_updated_idx', 'votes', 'updated_at'],
  ['poll_ballots_created_idx', 'poll_ballots', 'created_at'],
  ['topic_comments_created_idx', 'topic_comments', 'created_at'],
  ['post_comments_created_idx', 'post_comments', 'created_at'],
  ['questions_created_idx', 'questions', 'created_at'],
  ['feedback_created_idx', 'feedback', 'created_at'],
  ['kudos_created_idx', 'kudos', 'created_at'],
  ['posts_created_idx', 'posts', 'created_at'],
  ['topics_created_idx', 'topics', 'created_at'],
  ['health_days_day_idx', 'health_days', 'day'],
  ['health_meetings_start_idx', 'health_meetings', 'starts_at']
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, column] of INDEXES)
    await db.schema.createIndex(name).on(table).column(column).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped
export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...INDEXES].reverse()) await db.schema.dropIndex(name).execute();
}
