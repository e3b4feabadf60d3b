// The job queue of tests and scripts: it records what services enqueue and runs nothing, so a
// test can read the mails a request would send. No test framework is loaded here, so scripts may
// use it too.
import type { JobHandler, JobQueue } from '../jobs/job-queue.ts';
import { MAIL_QUEUE, type MailMessage } from '../jobs/mail-message.ts';

/** A queue that records what services enqueue, so tests can read the mails they would send. */
export class RecordingQueue implements JobQueue {
  readonly jobs: { queue: string; payload: unknown }[] = [];
  enqueue(queue: string, payload: unknown): Promise<void> {
    this.jobs.push({ queue, payload });
    return Promise.resolve();
  }
  work(_queue: string, _handler: JobHandler): void {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  idle(): Promise<void> {
    return Promise.resolve();
  }
  /** Recorded jobs never run, so none is ever due. */
  depth(): Promise<number> {
    return Promise.resolve(0);
  }
  /** What was enqueued on `queue`, oldest first. */
  payloads(queue: string): unknown[] {
    return this.jobs.filter((j) => j.queue === queue).map((j) => j.payload);
  }
  /** Forgets what was enqueued so far. */
  clear(): void {
    this.jobs.length = 0;
  }
  get mails(): MailMessage[] {
    return this.jobs.filter((j) => j.queue === MAIL_QUEUE).map((j) => j.payload as MailMessage);
  }
  /** The newest mail to `to` (optionally of one template); throws when there is none. */
  lastMail(to: string, template?: MailMessage['template']): MailMessage {
    const found = this.mails
      .filter((m) => m.to === to && (!template || m.template === template))
      .at(-1);
    if (!found) throw new Error(`no ${template ?? ''} mail to ${to}`);
    return found;
  }
  /** The `token` query parameter of the newest mail's link. */
  lastToken(to: string, template?: MailMessage['template']): string {
    const url = this.lastMail(to, template).params.url ?? '';
    const token = new URL(url).searchParams.get('token');
    if (!token) throw new Error(`mail to ${to} has no token link`);
    return token;
  }
}
