/**
 * Waits until `check` holds, looking every 10 ms; throws after `ms` (for what a test cannot await
 * directly: a cache emptied by another node's message, a background run).
 *
 * @example
 * await eventually(() => app.pageCache?.size === 0);
 */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
