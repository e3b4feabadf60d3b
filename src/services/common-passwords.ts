import { dictionary } from '@zxcvbn-ts/language-common';

let cached: ReadonlySet<string> | undefined;

/** The ~49,000 most common passwords (zxcvbn's list), lower-cased, loaded once. */
export function commonPasswords(): ReadonlySet<string> {
  cached ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return cached;
}
