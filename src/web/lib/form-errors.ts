/**
 * Errors of one submitted form, ready to show: `fields` next to the matching inputs, `message`
 * at the top of the form (problems that belong to no visible field).
 */
export interface FormErrors {
  message: string | null;
  fields: Record<string, string[]>;
}

/** The messages for the input named `name`, none when the form has no errors. */
export function fieldMessages(errors: FormErrors | null | undefined, name: string): string[] {
  return errors?.fields[name] ?? [];
}

/** The id of the element that holds the messages for input `name` (for `aria-describedby`). */
export function errorId(name: string): string {
  return `${name}-error`;
}
