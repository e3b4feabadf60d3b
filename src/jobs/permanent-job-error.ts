/**
 * Thrown by a job handler when retrying cannot help (a malformed payload, a recipient the mail
 * server rejects for good). Every `JobQueue` implementation marks such a job failed at once instead
 * of rescheduling it with backoff.
 *
 * @example
 * queue.work('mail', async (payload) => {
 *   if (!isMailMessage(payload)) throw new PermanentJobError('mail job payload is malformed');
 *   await mailer.send(payload);
 * });
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Whether `error` asks the queue not to retry (a `PermanentJobError`). */
export function isPermanentJobError(error: unknown): boolean {
  return error instanceof PermanentJobError;
}

/** A one-line description of a thrown value, for `last_error` columns and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
