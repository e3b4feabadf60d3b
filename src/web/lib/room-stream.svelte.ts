import { tick, untrack } from 'svelte';
import type { SubmitFunction } from '$app/forms';
import { goto } from '$app/navigation';
import { applyRoomEvent, fromSnapshot, type Applied, type LiveRoom } from './room-state.ts';
import { ROOM_EVENT_NAMES, type RoomEventData, type RoomSnapshot } from './room-types.ts';

/** connecting: first connection; live: receiving; reconnecting: dropped, the browser retries. */
export type Connection = 'connecting' | 'live' | 'reconnecting';

/**
 * The live room of a meeting in the browser. It starts from the Room document the page was
 * rendered with; {@link RoomStream.connect} opens an `EventSource` on
 * `/api/v1/events/:id/room/stream` (same origin, the session cookie goes along), takes the
 * `snapshot` and then every event by its id. After a dropped connection the browser reconnects by
 * itself and sends `Last-Event-ID`, so the server replays what was missed; anything that arrives
 * twice is ignored. Without JavaScript none of this runs: the page shows the room as rendered and
 * its forms post and redirect back.
 *
 * @example
 * const live = new RoomStream(data.room);
 * $effect(() => live.connect(data.meeting.id));
 * {#each live.room.questions as q (q.id)}…{/each}
 */
export class RoomStream {
  /** The room as shown: questions, hands, polls, kudos and what hosts did. */
  room: LiveRoom = $state.raw({
    seq: 0,
    room: { openedAt: null, openedBy: null, closedAt: null, closedBy: null },
    questions: [],
    hands: [],
    polls: [],
    kudos: []
  });
  connection: Connection = $state('connecting');
  /** Called with what changed (the page words the announcement). */
  onApplied: ((applied: Applied) => void) | null = null;

  constructor(initial: RoomSnapshot) {
    this.room = fromSnapshot(initial);
  }

  /** Takes a newer Room document (the page's data after a form was sent); older ones are ignored. */
  reset(document: RoomSnapshot): void {
    // Not a dependency of the caller's effect: only a new document should run it again.
    untrack(() => {
      const next = applyRoomEvent(this.room, document.seq, 'snapshot', document);
      if (next) this.room = next.state;
    });
  }

  /** Applies one stream message; a message that is not JSON is ignored. */
  receive(name: keyof RoomEventData, lastEventId: string, raw: string): void {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return;
    }
    const next = applyRoomEvent(this.room, Number(lastEventId), name, data as never);
    if (!next) return;
    this.room = next.state;
    this.onApplied?.(next.applied);
  }

  /**
   * Listens to the room's stream until the returned function is called (return it from an
   * `$effect`).
   */
  connect(eventId: string): () => void {
    this.connection = 'connecting';
    const source = new EventSource(`/api/v1/events/${encodeURIComponent(eventId)}/room/stream`);
    const listeners = ROOM_EVENT_NAMES.map((name) => {
      const listener = (event: MessageEvent<string>): void => {
        this.receive(name, event.lastEventId, event.data);
      };
      source.addEventListener(name, listener);
      return [name, listener] as const;
    });
    const onOpen = (): void => {
      this.connection = 'live';
    };
    const onError = (): void => {
      // CONNECTING: the browser tries again by itself (with Last-Event-ID); CLOSED: it gave up.
      this.connection = 'reconnecting';
    };
    source.addEventListener('open', onOpen);
    source.addEventListener('error', onError);
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
      source.removeEventListener('open', onOpen);
      source.removeEventListener('error', onError);
      source.close();
    };
  }
}

/**
 * Empties what was typed into a form that worked (texts, a chosen recipient); choices such as
 * "anonymous" keep what the page rendered (`form.reset()` would clear them, as Svelte sets
 * `checked` as a property, not as the default).
 */
function clearTyping(form: HTMLFormElement): void {
  for (const field of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
    'textarea, input[type="text"]'
  )) {
    field.value = '';
  }
  for (const select of form.querySelectorAll('select')) select.selectedIndex = 0;
}

/**
 * `use:enhance` for the room's forms: the answer (a redirect back to the room, as without
 * JavaScript) is followed in place — the page's data reloads, the scroll position and the focus
 * stay — and what was typed into a form that worked is emptied. When the pressed button is gone (a raised hand's
 * button becomes "lower"), the focus goes to the heading of its section. A refusal shows next to
 * the form and takes the focus.
 */
export function enhanceRoomForm(): SubmitFunction {
  return ({ formElement }) => {
    const section = formElement.closest('section, article');
    return async ({ result, update }) => {
      if (result.type === 'redirect') {
        // The action's own redirect back to this page (a path on this site, already resolved).
        // eslint-disable-next-line svelte/no-navigation-without-resolve
        await goto(result.location, { refreshAll: true, reset: false, replace: true });
        clearTyping(formElement);
        await tick();
        const lost = document.activeElement === null || document.activeElement === document.body;
        const heading = section?.isConnected ? section.querySelector<HTMLElement>('h2, h3') : null;
        if (lost && heading) {
          heading.tabIndex = -1;
          heading.focus();
        }
        return;
      }
      await update({ reset: false });
      if (result.type === 'failure') {
        await tick();
        formElement.querySelector<HTMLElement>('[role="alert"]')?.focus();
      }
    };
  };
}
