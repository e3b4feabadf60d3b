/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Reads Server-Sent Events from a fetch response, one at a time (comments and the `retry` line
 * are skipped).
 *
 * @example
 * const events = new SseReader(await fetch(url));
 * const first = await events.next(); // { id: '3', event: 'snapshot', data: '{…}' }
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  /** A read still on its way from an earlier call that timed out: the next call takes it over. */
  #pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;

  constructor(response: Response) {
    if (!response.body) throw new Error('no body');
    this.#reader = response.body.getReader();
  }

  /** The next event (optionally the next one named `event`); fails after `ms`. */
  async next(ms = 5000, event?: string): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const parsed = parseBlock(block);
        if (parsed && (event === undefined || parsed.event === event)) return parsed;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${event ?? 'event'} in time`);
      let timer: NodeJS.Timeout | undefined;
      this.#pending ??= this.#reader.read();
      const chunk = await Promise.race([
        this.#pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`no ${event ?? 'event'} in time`));
          }, left);
        })
      ]).finally(() => {
        clearTimeout(timer);
      });
      this.#pending = undefined;
      if (chunk.done) throw new Error('stream ended');
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next event's data parsed as JSON, with its id and name. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
  async nextJson<T>(
    ms = 5000,
    event?: string
  ): Promise<{ id: string | null; event: string; data: T }> {
    const e = await this.next(ms, event);
    return { id: e.id, event: e.event, data: JSON.parse(e.data) as T };
  }

  /** Events that arrive within `ms` (for "nothing more came" checks). */
  async drain(ms: number): Promise<SseEvent[]> {
    const seen: SseEvent[] = [];
    const until = Date.now() + ms;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) return seen;
      try {
        seen.push(await this.next(left));
      } catch (error) {
        if (error instanceof Error && error.message.includes('in time')) return seen;
        throw error;
      }
    }
  }

  /** Resolves with whether the stream ended (the server closed it) within `ms`. */
  async ended(ms = 5000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    try {
      for (;;) {
        this.#pending ??= this.#reader.read();
        const chunk = await Promise.race([this.#pending, timeout]);
        if (chunk === 'timeout') return false;
        this.#pending = undefined;
        if (chunk.done) return true;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

function parseBlock(block: string): SseEvent | null {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  let any = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else continue;
    any = true;
  }
  return any && data.length > 0 ? { id, event, data: data.join('\n') } : null;
}
