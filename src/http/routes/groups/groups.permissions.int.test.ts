import { beforeAll, expect, it } from 'vitest';
import { createGroup } from '../../../services/group.service.ts';
import {
  addMemberships,
  buildPersonas,
  type GroupKindCase,
  KINDS,
  PERSONA_MEMBERSHIPS,
  PERSONAS,
  type PersonaUsers,
  sessionOf
} from '../../../test/personas.ts';
import { describeWithApp, type RequestOptions, type TestApp } from '../../../test/test-app.ts';

/**
 * Expected status per endpoint, per group kind (public/open, private/approval, hidden/invitation),
 * per persona in the order of PERSONAS. Private things are 404 to those who may not see them.
 */
const MATRIX: Record<string, [string, string, string]> = {
  'GET group': [
    '200 200 200 200 200 200 200 200 200',
    '200 200 200 200 200 200 200 200 404',
    '404 404 200 200 200 200 200 200 404'
  ],
  'GET members': [
    '200 200 200 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404',
    '404 404 404 200 200 200 200 200 404'
  ],
  'PATCH group': [
    '401 403 403 403 403 200 200 200 403',
    '401 403 403 403 403 200 200 200 404',
    '401 404 403 403 403 200 200 200 404'
  ],
  'POST join': [
    '401 200 409 409 409 409 409 200 403',
    '401 200 409 409 409 409 409 200 404',
    '401 404 409 409 409 409 409 403 404'
  ],
  'POST leave': [
    '401 404 204 204 204 204 409 404 404',
    '401 404 204 204 204 204 409 404 404',
    '401 404 204 204 204 204 409 404 404'
  ],
  'GET requests': [
    '401 403 403 403 403 200 200 200 403',
    '401 403 403 403 403 200 200 200 404',
    '401 404 403 403 403 200 200 200 404'
  ],
  'POST approve': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ],
  'POST decline': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ],
  'PATCH member role': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ],
  'DELETE member': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ],
  'POST ban': [
    '401 403 403 403 403 204 204 204 403',
    '401 403 403 403 403 204 204 204 404',
    '401 404 403 403 403 204 204 204 404'
  ],
  'POST transfer': [
    '401 403 403 403 403 403 204 204 403',
    '401 403 403 403 403 403 204 204 404',
    '401 404 403 403 403 403 204 204 404'
  ],
  'POST invitation': [
    '401 403 403 403 403 202 202 202 403',
    '401 403 403 403 403 202 202 202 404',
    '401 404 403 403 403 202 202 202 404'
  ],
  'GET audit': [
    '401 403 403 403 403 200 200 200 403',
    '401 403 403 403 403 200 200 200 404',
    '401 404 403 403 403 200 200 200 404'
  ],
  'PATCH membership': [
    '401 404 204 204 204 204 204 404 404',
    '401 404 204 204 204 204 204 404 404',
    '401 404 204 204 204 204 204 404 404'
  ]
};

describeWithApp('group permission matrix', (app) => {
  let t: TestApp;
  let users: PersonaUsers<'target' | 'applicant'>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    users = await buildPersonas(t, ['target', 'applicant']);
  });

  /** A fresh group where every persona holds its role, plus an active `target` and a pending `applicant`. */
  async function freshGroup(kind: GroupKindCase): Promise<string> {
    counter += 1;
    const slug = `matrix-${counter}`;
    const group = await createGroup(t.testDb.db, users.owner.id, {
      slug,
      name: `Matrix ${counter}`,
      kind: 'practice',
      timeZone: 'Europe/Berlin',
      visibility: kind.visibility,
      joinPolicy: kind.joinPolicy,
      joinQuestions: kind.joinPolicy === 'approval' ? ['What do you work on?'] : []
    });
    await addMemberships(t, group.id, users, [
      ...PERSONA_MEMBERSHIPS,
      ['target', 'member', 'active'],
      ['applicant', 'member', 'pending']
    ]);
    return slug;
  }

  const requests: Record<string, (slug: string) => Omit<RequestOptions, 'cookie'>> = {
    'GET group': (s) => ({ method: 'GET', url: `/api/v1/groups/${s}` }),
    'GET members': (s) => ({ method: 'GET', url: `/api/v1/groups/${s}/members` }),
    'PATCH group': (s) => ({
      method: 'PATCH',
      url: `/api/v1/groups/${s}`,
      body: { description: 'Changed' }
    }),
    'POST join': (s) => ({
      method: 'POST',
      url: `/api/v1/groups/${s}/join`,
      body: { answers: ['Platform teams'] }
    }),
    'POST leave': (s) => ({ method: 'POST', url: `/api/v1/groups/${s}/leave` }),
    'GET requests': (s) => ({ method: 'GET', url: `/api/v1/groups/${s}/requests` }),
    'POST approve': (s) => ({
      method: 'POST',
      url: `/api/v1/groups/${s}/requests/${users.applicant.id}/approve`
    }),
    'POST decline': (s) => ({
      method: 'POST',
      url: `/api/v1/groups/${s}/requests/${users.applicant.id}/decline`
    }),
    'PATCH member role': (s) => ({
      method: 'PATCH',
      url: `/api/v1/groups/${s}/members/${users.target.id}`,
      body: { role: 'host' }
    }),
    'DELETE member': (s) => ({
      method: 'DELETE',
      url: `/api/v1/groups/${s}/members/${users.target.id}`
    }),
    'POST ban': (s) => ({
      method: 'POST',
      url: `/api/v1/groups/${s}/members/${users.target.id}/ban`
    }),
    'POST transfer': (s) => ({
      method: 'POST',
      url: `/api/v1/groups/${s}/transfer`,
      body: { userId: users.target.id }
    }),
    'GET audit': (s) => ({ method: 'GET', url: `/api/v1/groups/${s}/audit` }),
    'POST invitation': (s) => ({
      method: 'POST',
      url: `/api/v1/groups/${s}/invitations`,
      body: { email: 'guest@example.com' }
    }),
    'PATCH membership': (s) => ({
      method: 'PATCH',
      url: `/api/v1/groups/${s}/membership`,
      body: { hiddenInDirectory: true }
    })
  };

  it('covers every group and membership endpoint', () => {
    expect(Object.keys(requests).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [endpoint, rows] of Object.entries(MATRIX)) {
    it(`${endpoint}: allows and denies exactly as the matrix says`, async () => {
      const actual: string[] = [];
      for (const kind of KINDS) {
        const statuses: number[] = [];
        for (const persona of PERSONAS) {
          const slug = await freshGroup(kind); // each call on its own group: writes do not leak
          const req = requests[endpoint]?.(slug);
          if (!req) throw new Error(endpoint);
          const res = await t.request({ ...req, ...sessionOf(users, persona) });
          if (res.statusCode >= 500) throw new Error(`${endpoint} ${persona}: ${res.body}`);
          statuses.push(res.statusCode);
        }
        actual.push(statuses.join(' '));
      }
      expect(actual).toEqual(rows);
    });
  }
});
