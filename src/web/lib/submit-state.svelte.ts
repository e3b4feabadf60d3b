import { tick } from 'svelte';
import type { SubmitFunction } from '$app/forms';

/**
 * Progressive enhancement for one form: `busy` while the action runs, and afterwards the focus
 * moves to the first invalid field (or the form's error message) so keyboard and screen-reader
 * users land on what needs fixing.
 *
 * @example
 * const state = new SubmitState();
 * <form method="POST" use:enhance={state.enhance()}> … <SubmitButton busy={state.busy} …/>
 */
export class SubmitState {
  busy = $state(false);

  /** `reset: false` keeps what was typed after a success (edit forms). */
  enhance(options: { reset?: boolean } = {}): SubmitFunction {
    return () => {
      this.busy = true;
      return async ({ update, formElement, result }) => {
        try {
          await update({ reset: options.reset ?? true });
        } finally {
          this.busy = false;
        }
        if (result.type === 'failure') {
          await tick();
          const target =
            formElement.querySelector<HTMLElement>('[aria-invalid="true"]') ??
            formElement.querySelector<HTMLElement>('[role="alert"]');
          target?.focus();
        }
      };
    };
  }
}
