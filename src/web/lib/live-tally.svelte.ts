import { tick } from 'svelte';
import type { SubmitFunction } from '$app/forms';
import { refreshAll } from '$app/navigation';
import type { RoundTally } from './practice-types.ts';

/**
 * The tally of an open voting round, kept live with JavaScript: an `EventSource` on the round's
 * stream (`/api/v1/rounds/:id/stream`, event `tally`) updates the counts as anyone votes, and
 * {@link LiveTally.enhanceVote} turns the plain +/− vote forms into in-place updates (no page load,
 * focus kept on the pressed button). Without JavaScript none of this runs: the forms post and the
 * server redirects back to the page.
 *
 * @example
 * const live = new LiveTally();
 * $effect(() => (round?.status === 'open' ? live.connect(round.id) : undefined));
 * <span>{live.votesOf(topic.id, topic.votes)}</span>
 * <form method="POST" action="?/vote" use:enhance={live.enhanceVote()}>…</form>
 */
export class LiveTally {
  /** Live votes by topic id; topics not in here show what the page was rendered with. */
  votes: Record<string, number> = $state({});
  /** Members who voted, once the stream said so. */
  voters: number | null = $state(null);
  /** The stream said the round has closed (the page reloads its data then). */
  closed = $state(false);
  /** Whether the stream is connected (for a "live" hint). */
  connected = $state(false);
  /** A vote form is being sent. */
  busy = $state(false);

  /** The votes to show for `topicId`: the live count when there is one, else `fallback`. */
  votesOf(topicId: string, fallback: number | null): number | null {
    return this.votes[topicId] ?? fallback;
  }

  /** Takes one message of the stream (also usable with a vote answer). */
  apply(message: RoundTally): void {
    if (typeof message.voters === 'number') this.voters = message.voters;
    if (Array.isArray(message.tally)) {
      const next: Record<string, number> = {};
      for (const entry of message.tally) next[entry.topicId] = entry.votes;
      this.votes = next;
    }
    const closed = message.closed === true || message.status === 'closed';
    if (closed && !this.closed) {
      this.closed = true;
      void refreshAll();
    }
  }

  /**
   * Listens to the round's stream until the returned function is called (return it from an
   * `$effect`). The browser reconnects by itself after a dropped connection.
   */
  connect(roundId: string): () => void {
    this.votes = {};
    this.voters = null;
    this.closed = false;
    const source = new EventSource(`/api/v1/rounds/${encodeURIComponent(roundId)}/stream`);
    const onTally = (event: MessageEvent<string>): void => {
      try {
        this.apply(JSON.parse(event.data) as RoundTally);
      } catch {
        // A message that is not JSON is ignored; the next one brings the whole tally again.
      }
    };
    source.addEventListener('tally', onTally);
    source.addEventListener('open', () => {
      this.connected = true;
    });
    source.addEventListener('error', () => {
      this.connected = false;
    });
    return () => {
      source.removeEventListener('tally', onTally);
      source.close();
      this.connected = false;
    };
  }

  /**
   * `use:enhance` for a vote form: the answer refreshes the page's data in place (a redirect is
   * followed by reloading data, not by navigating), a refusal shows next to the form, and the focus
   * stays on the pressed button — or, when that button is now disabled, on the other one of the
   * same topic (`data-vote-group`), or on the votes-left status (`data-votes-left`).
   */
  enhanceVote(): SubmitFunction {
    return ({ submitter }) => {
      this.busy = true;
      return async ({ result, update, formElement }) => {
        try {
          if (result.type === 'redirect') await refreshAll();
          else await update({ reset: false });
        } finally {
          this.busy = false;
        }
        await tick();
        if (result.type === 'failure') {
          document.querySelector<HTMLElement>('[data-vote-error] [role="alert"]')?.focus();
          return;
        }
        const pressed = submitter instanceof HTMLButtonElement ? submitter : null;
        if (pressed && pressed.isConnected && !pressed.disabled) {
          if (document.activeElement !== pressed) pressed.focus();
          return;
        }
        const group = formElement.closest('[data-vote-group]');
        const other = group?.querySelector<HTMLButtonElement>('button:not([disabled])');
        (other ?? document.querySelector<HTMLElement>('[data-votes-left]'))?.focus();
      };
    };
  }
}
