import type { Db } from '../db/database.ts';
import { checkPassword } from '../domain/password-policy.ts';
import type { Locale } from '../i18n/i18n.ts';
import type { Auth } from './auth.ts';
import { commonPasswords } from './common-passwords.ts';

/** Input for an account created by an operator (CLI) rather than through sign-up. */
export interface NewAccount {
  email: string;
  password: string;
  name: string;
  language?: Locale;
  admin?: boolean;
}

/**
 * Creates a verified account with a password, or — when the email exists — sets its password and
 * marks it verified. `admin: true` makes it an instance admin. Used by `guildhall create-admin`
 * and the demo; people sign up through the API instead.
 */
export async function upsertVerifiedAccount(
  auth: Auth,
  db: Db,
  input: NewAccount
): Promise<{ id: string; created: boolean }> {
  const email = input.email.trim().toLowerCase();
  const problem = checkPassword(input.password, { common: commonPasswords(), email });
  if (problem) throw new Error(`password refused: ${problem}`);
  const ctx = await auth.$context;
  const hashed = await ctx.password.hash(input.password);
  const existing = await ctx.internalAdapter.findUserByEmail(email, { includeAccounts: true });
  let id: string;
  let created = false;
  if (existing) {
    id = existing.user.id;
    const credential = existing.accounts.find((a) => a.providerId === 'credential');
    if (credential) await ctx.internalAdapter.updatePassword(id, hashed);
    else
      await ctx.internalAdapter.linkAccount({
        userId: id,
        providerId: 'credential',
        accountId: id,
        password: hashed
      });
    await ctx.internalAdapter.updateUser(id, { emailVerified: true });
  } else {
    const user = await ctx.internalAdapter.createUser(
      {
        email,
        name: input.name,
        emailVerified: true,
        language: input.language ?? 'en'
      },
      { method: 'admin' }
    );
    id = user.id;
    created = true;
    await ctx.internalAdapter.linkAccount({
      userId: id,
      providerId: 'credential',
      accountId: id,
      password: hashed
    });
  }
  if (input.admin) {
    await db.kysely
      .updateTable('users')
      .set({ is_admin: db.dialect === 'sqlite' ? 1 : true })
      .where('id', '=', id)
      .execute();
  }
  return { id, created };
}
