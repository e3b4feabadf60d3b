import { beforeAll, expect, it } from 'vitest';
import type { JoinPolicy, Visibility } from '../../../domain/group-policy.ts';
import { createGroup } from '../../../services/group.service.ts';
import { createSponsor, getSponsor, listSponsors } from '../../../services/sponsor.service.ts';
import { describeWithApp, type RequestOptions, type TestApp } from '../../../test/test-app.ts';

const PERSONAS = [
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
type Persona = (typeof PERSONAS)[number];
const KINDS: { visibility: Visibility; joinPolicy: JoinPolicy }[] = [
  { visibility: 'public', joinPolicy: 'open' },
  { visibility: 'private', joinPolicy: 'approval' },
  { visibility: 'hidden', joinPolicy: 'invitation' }
];

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per persona in the order of PERSONAS. Reading follows `group.read` (404 to those who may not read
 * the group); writing needs `sponsor.manage` (organizers, owners, instance admins).
 */
const MATRIX: Record<string, [string, string, string]> = {
  'GET sponsors': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'GET sponsors with archived': [
    '401 403 403 403 403 200 200 200 404',
    '404 404 404 403 403 200 200 200 404',
    '404 404 404 403 403 200 200 200 404'
  ],
  'GET sponsor': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'POST sponsor': [
    '401 403 403 403 403 201 201 201 403',
    '401 403 403 403 403 201 201 201 404',
    '401 404 403 403 403 201 201 201 404'
  ],
  'PATCH sponsor': [
    '401 403 403 403 403 200 200 200 403',
    '401 403 403 403 403 200 200 200 404',
    '401 404 403 403 403 200 200 200 404'
  ],
  'DELETE sponsor': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ]
};

describeWithApp('sponsor permission matrix', (app) => {
  let t: TestApp;
  const users = {} as Record<Persona, { id: string; cookie: string }>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    // The first account on an instance is its admin.
    for (const persona of [
      'admin',
      ...PERSONAS.filter((p) => p !== 'anonymous' && p !== 'admin')
    ] as const) {
      const { id, email } = await t.buildUser({ name: persona });
      users[persona] = { id, cookie: await t.logIn(email) };
    }
  });

  /** A fresh group where every persona holds its role, with one sponsor. */
  async function freshGroup(
    kind: (typeof KINDS)[number]
  ): Promise<{ slug: string; groupId: string; sponsorId: string }> {
    counter += 1;
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug: `sponsor-matrix-${counter}`,
      name: `Sponsor matrix ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy
    });
    const at = new Date().toISOString();
    const rows = [
      ['pending', 'member', 'pending'],
      ['member', 'member', 'active'],
      ['host', 'host', 'active'],
      ['organizer', 'organizer', 'active'],
      ['banned', 'member', 'banned']
    ] as const;
    await t.testDb.db.kysely
      .insertInto('memberships')
      .values(
        rows.map(([who, role, status]) => ({
          group_id: group.id,
          user_id: users[who].id,
          role,
          status,
          created_at: at,
          updated_at: at
        }))
      )
      .execute();
    const sponsor = await createSponsor(t.testDb.db, group.id, users.owner.id, {
      name: 'Original',
      contributions: ['food']
    });
    return { slug: group.slug, groupId: group.id, sponsorId: sponsor.id };
  }

  const requests: Record<
    string,
    (g: { slug: string; sponsorId: string }) => Omit<RequestOptions, 'cookie'>
  > = {
    'GET sponsors': (g) => ({ method: 'GET', url: `/api/v1/groups/${g.slug}/sponsors` }),
    'GET sponsors with archived': (g) => ({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/sponsors?includeArchived=true`
    }),
    'GET sponsor': (g) => ({
      method: 'GET',
      url: `/api/v1/groups/${g.slug}/sponsors/${g.sponsorId}`
    }),
    'POST sponsor': (g) => ({
      method: 'POST',
      url: `/api/v1/groups/${g.slug}/sponsors`,
      body: { name: 'Added', contributions: ['room'] }
    }),
    'PATCH sponsor': (g) => ({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}/sponsors/${g.sponsorId}`,
      body: { name: 'Changed' }
    }),
    'DELETE sponsor': (g) => ({
      method: 'DELETE',
      url: `/api/v1/groups/${g.slug}/sponsors/${g.sponsorId}`
    })
  };

  /** What the group's sponsors must look like afterwards: changed when allowed, untouched when not. */
  async function expectEffect(
    endpoint: string,
    g: { groupId: string; sponsorId: string },
    allowed: boolean,
    label: string
  ): Promise<void> {
    const all = await listSponsors(t.testDb.db, g.groupId, { includeArchived: true });
    const sponsor = await getSponsor(t.testDb.db, g.groupId, g.sponsorId);
    const names = all.map((v) => v.name).sort();
    switch (endpoint) {
      case 'POST sponsor':
        expect(names, label).toEqual(allowed ? ['Added', 'Original'] : ['Original']);
        return;
      case 'PATCH sponsor':
        expect(names, label).toEqual([allowed ? 'Changed' : 'Original']);
        expect(sponsor?.archived, label).toBe(false);
        return;
      case 'DELETE sponsor':
        expect(names, label).toEqual(['Original']);
        expect(sponsor?.archived, label).toBe(allowed);
        return;
      default:
        expect(names, label).toEqual(['Original']); // reading changes nothing
        expect(sponsor?.archived, label).toBe(false);
    }
  }

  it('covers every sponsor endpoint', () => {
    expect(Object.keys(requests).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [endpoint, rows] of Object.entries(MATRIX)) {
    it(`${endpoint}: allows and denies exactly as the matrix says`, async () => {
      const actual: string[] = [];
      for (const kind of KINDS) {
        const statuses: number[] = [];
        for (const persona of PERSONAS) {
          const g = await freshGroup(kind); // each call on its own group: writes do not leak
          const req = requests[endpoint]?.(g);
          if (!req) throw new Error(endpoint);
          const res = await t.request({
            ...req,
            ...(persona === 'anonymous' ? {} : { cookie: users[persona].cookie })
          });
          const label = `${endpoint} ${kind.visibility} ${persona}`;
          if (res.statusCode >= 500) throw new Error(`${label}: ${res.body}`);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
          } else if (req.method === 'GET') {
            // What a reader gets is the sponsor, never more and never another group's.
            const body = res.json();
            const ids = 'items' in body ? body.items.map((v: { id: string }) => v.id) : [body.id];
            expect(ids, label).toEqual([g.sponsorId]);
          }
          await expectEffect(endpoint, g, res.statusCode < 400, label);
          statuses.push(res.statusCode);
        }
        actual.push(statuses.join(' '));
      }
      expect(actual).toEqual(rows);
    });
  }
});
