import type { JoinPolicy, MembershipStatus, Role, Visibility } from '../domain/group-policy.ts';
import type { TestApp } from './test-app.ts';

/** Who a permission matrix asks, in the order of its columns. */
export const PERSONAS = [
  'anonymous',
  'non-member',
  'pending',
  'member',
  'host',
  'organizer',
  'owner',
  'admin',
  'banned'
] as const;
export type Persona = (typeof PERSONAS)[number];

/** The group kinds a permission matrix covers, in the order of its rows. */
export const KINDS: { visibility: Visibility; joinPolicy: JoinPolicy }[] = [
  { visibility: 'public', joinPolicy: 'open' },
  { visibility: 'private', joinPolicy: 'approval' },
  { visibility: 'hidden', joinPolicy: 'invitation' }
];
export type GroupKindCase = (typeof KINDS)[number];

export interface PersonaUser {
  id: string;
  email: string;
  /** The Cookie header of a logged-in session. */
  cookie: string;
}

/** The accounts of the personas (but anonymous) and of the extra names `E`. */
export type PersonaUsers<E extends string = never> = Record<
  Exclude<Persona, 'anonymous'> | E,
  PersonaUser
>;

/**
 * One logged-in account per persona (but anonymous), plus one per name in `extra`. The admin is
 * created first: the first account on an instance is its admin.
 */
export async function buildPersonas<E extends string = never>(
  t: TestApp,
  extra: readonly E[] = []
): Promise<PersonaUsers<E>> {
  const users = {} as PersonaUsers<E>;
  const names: (Exclude<Persona, 'anonymous'> | E)[] = [
    'admin',
    ...PERSONAS.filter((p) => p !== 'anonymous' && p !== 'admin'),
    ...extra
  ];
  for (const name of names) {
    const { id, email } = await t.buildUser({ name });
    users[name] = { id, email, cookie: await t.logIn(email) };
  }
  return users;
}

/** The memberships of the personas in a group its owner created (the owner has one already). */
export const PERSONA_MEMBERSHIPS: readonly [
  Exclude<Persona, 'anonymous'>,
  Role,
  MembershipStatus
][] = [
  ['pending', 'member', 'pending'],
  ['member', 'member', 'active'],
  ['host', 'host', 'active'],
  ['organizer', 'organizer', 'active'],
  ['banned', 'member', 'banned']
];

/** Inserts memberships (who, role, status) into a group. */
export async function addMemberships<N extends string>(
  t: TestApp,
  groupId: string,
  users: Record<N, { id: string }>,
  rows: readonly (readonly [N, Role, MembershipStatus])[]
): Promise<void> {
  const at = new Date().toISOString();
  await t.testDb.db.kysely
    .insertInto('memberships')
    .values(
      rows.map(([who, role, status]) => ({
        group_id: groupId,
        user_id: users[who].id,
        role,
        status,
        created_at: at,
        updated_at: at
      }))
    )
    .execute();
}

/** The request options that make a persona's request: its session cookie, or none. */
export function sessionOf<N extends string>(
  users: Record<N, { cookie: string }>,
  persona: N | 'anonymous'
): { cookie?: string } {
  return persona === 'anonymous' ? {} : { cookie: users[persona].cookie };
}
