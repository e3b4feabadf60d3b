/** Why a password is refused; `null` when it is acceptable. */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'containsEmail';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Checks a new password against Guildhall's rules: 8–128 characters, not on the list of common
 * passwords (compared case-insensitively, also with trailing digits and punctuation removed), and
 * not the account's own email address or its local part.
 *
 * @example
 * checkPassword('password1', { common }); // 'common'
 * checkPassword('correct horse battery staple', { common }); // null
 */
export function checkPassword(
  password: string,
  context: { common: ReadonlySet<string>; email?: string | undefined }
): PasswordProblem | null {
  const length = Array.from(password).length; // characters, not UTF-16 units
  if (length < PASSWORD_MIN_LENGTH) return 'tooShort';
  if (length > PASSWORD_MAX_LENGTH) return 'tooLong';
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[\d\W_]+$/u, '');
  if (context.common.has(lower) || (stripped.length >= 4 && context.common.has(stripped))) {
    return 'common';
  }
  if (context.email) {
    const email = context.email.toLowerCase();
    const local = email.split('@')[0] ?? '';
    if (
      lower === email ||
      (local.length >= 4 && lower.includes(local) && lower.length - local.length < 4)
    ) {
      return 'containsEmail';
    }
  }
  return null;
}
