import { lazyPackage } from '../lazy-package.ts';

/** zxcvbn's word lists (16 MB loaded), needed only when someone chooses a password. */
const zxcvbnCommon = lazyPackage<typeof import('@zxcvbn-ts/language-common')>(
  '@zxcvbn-ts/language-common'
);

let cached: ReadonlySet<string> | undefined;

/** The ~49,000 most common passwords (zxcvbn's list), lower-cased, loaded once. */
export function commonPasswords(): ReadonlySet<string> {
  cached ??= new Set(zxcvbnCommon().dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return cached;
}
