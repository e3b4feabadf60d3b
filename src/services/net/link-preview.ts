import type { JobQueue } from '../../jobs/job-queue.ts';

/** The queue that fetches a post's link preview. */
export const LINK_PREVIEW_QUEUE = 'link-preview';

/** Asks for the preview of a post's link (its row has `link_status = 'pending'`). */
export async function enqueueLinkPreview(queue: JobQueue, postId: string): Promise<void> {
  await queue.enqueue(LINK_PREVIEW_QUEUE, { postId }, { maxAttempts: 3 });
}
