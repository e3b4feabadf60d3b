// The demo's board: a solved help request with a thread, a job lead, a pinned announcement, an
// article with its link preview already fetched (no network), and a member open to work.
import type { Db } from '../db/database.ts';
import { dbBool } from '../db/values.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { createComment } from '../services/board/comment.service.ts';
import { createPost, setPinned, setSolved } from '../services/board/post-write.service.ts';
import { addReaction } from '../services/board/reaction.service.ts';
import type { Group } from '../services/group.service.ts';

/** Who writes on the demo board: an organizer and at least three active members (user ids). */
export interface BoardPeople {
  organizer: string;
  members: readonly string[];
}

/**
 * Fills the board of `group` (idempotent: a group that has posts is left alone). `queue` gets
 * the activity nudges; no link preview is asked for — the article's preview is stored as fetched.
 *
 * @example
 * await seedBoard(db, queue, group, { organizer: people.organizer, members: extras }, now);
 */
export async function seedBoard(
  db: Db,
  queue: JobQueue,
  group: Group,
  people: BoardPeople,
  now: Date
): Promise<void> {
  const has = await db.kysely
    .selectFrom('posts')
    .select('id')
    .where('group_id', '=', group.id)
    .executeTakeFirst();
  const [asker, helper, seeker, reader] = people.members;
  if (has || !asker || !helper || !seeker) return;
  const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
  const post = (authorId: string, input: Parameters<typeof createPost>[2]['input'], at: Date) =>
    createPost(db, queue, { groupId: group.id, authorId, input }, at);

  const welcome = await post(
    people.organizer,
    {
      kind: 'announcement',
      title: `Welcome to the board of ${group.name}`,
      body: 'Ask for help, share job leads and good reads, and thank people who helped you. Please keep it kind: read our code of conduct before posting.',
      linkUrl: null
    },
    ago(72)
  );
  await setPinned(db, welcome.id, true, ago(72));

  const help = await post(
    asker,
    {
      kind: 'help',
      title: 'DNS timeouts in our Kubernetes cluster every few minutes',
      body: 'Pods see `i/o timeout` on lookups roughly every five minutes, mostly under load. CoreDNS looks healthy. Has anyone solved the same problem?',
      linkUrl: null
    },
    ago(48)
  );
  const answer = await createComment(
    db,
    queue,
    {
      postId: help.id,
      authorId: helper,
      body: 'We had exactly this: the conntrack race on UDP. Setting `single-request-reopen` in the pod’s dnsConfig fixed it for us, and NodeLocal DNSCache for good.',
      parentId: null
    },
    ago(46)
  );
  await createComment(
    db,
    queue,
    {
      postId: help.id,
      authorId: asker,
      body: 'That was it — NodeLocal DNSCache is rolled out and the timeouts are gone. Thank you!',
      parentId: answer.id
    },
    ago(20)
  );
  await setSolved(db, help.id, true, ago(20));
  await addReaction(db, { type: 'comment', id: answer.id }, asker, 'thanks', ago(20));
  await addReaction(db, { type: 'post', id: help.id }, seeker, 'insightful', ago(19));

  await post(
    helper,
    {
      kind: 'job',
      title: 'Platform engineer (Kubernetes, Terraform) — remote within the EU',
      body: 'My team is hiring a platform engineer. Happy to tell you what it’s like from the inside — send me a message if you are interested.',
      linkUrl: null
    },
    ago(30)
  );

  const article = await post(
    reader ?? helper,
    {
      kind: 'discussion',
      title: 'A good read on the 90-9-1 rule in communities',
      body: 'Most members read, few write. What made you post here for the first time?',
      linkUrl: null
    },
    ago(10)
  );
  await db.kysely
    .updateTable('posts')
    .set({
      link_url: 'https://en.wikipedia.org/wiki/1%25_rule',
      link_title: '1% rule - Wikipedia',
      link_description:
        'In Internet culture, the 1% rule is a general rule of thumb pertaining to participation in an Internet community.',
      link_status: 'ok'
    })
    .where('id', '=', article.id)
    .execute();
  await addReaction(db, { type: 'post', id: article.id }, asker, 'heart', ago(9));

  await db.kysely
    .updateTable('users')
    .set({ open_to_work: dbBool(db, true) })
    .where('id', '=', seeker)
    .execute();
  await post(
    seeker,
    {
      kind: 'help',
      title: 'Laid off last week — any leads for an SRE in Berlin?',
      body: 'Eight years of SRE work, mostly Kubernetes and observability. Leads, intros and tips on the market right now are all welcome.',
      linkUrl: null
    },
    ago(5)
  );
}
