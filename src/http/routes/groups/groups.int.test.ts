import { beforeAll, expect, it } from 'vitest';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

const base = {
  name: 'Azure Meetup Munich',
  kind: 'meetup',
  timeZone: 'Europe/Berlin',
  visibility: 'public',
  joinPolicy: 'open'
};

describeWithApp('groups and membership', (app) => {
  let t: TestApp;
  let admin: { id: string; cookie: string };
  beforeAll(async () => {
    t = app();
    const a = await t.buildUser({ name: 'Admin' });
    admin = { id: a.id, cookie: await t.logIn(a.email) };
  });
  const person = async (name: string) => {
    const u = await t.buildUser({ name });
    return { id: u.id, cookie: await t.logIn(u.email) };
  };

  it('creates a group with normalized tags and sanitized description; its creator owns it', async () => {
    const owner = await person('Olga Owner');
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: {
        ...base,
        slug: 'Azure-Munich',
        description: 'We meet **monthly** <script>x()</script>',
        tags: ['Azure', 'azure', 'DevOps', 'Data Engineering'],
        city: 'München',
        country: 'de',
        latitude: 48.137,
        longitude: 11.575,
        websiteUrl: 'https://example.com/azure'
      }
    });
    expect(res.statusCode).toBe(201);
    const group = res.json();
    expect(group).toMatchObject({
      slug: 'azure-munich',
      viewer: { role: 'owner', status: 'active', canManage: true, canJoin: false },
      details: { tags: ['azure', 'devops', 'data-engineering'], country: 'DE', memberCount: 1 }
    });
    expect(group.descriptionHtml).toContain('<strong>monthly</strong>');
    expect(group.descriptionHtml).not.toContain('<script');
    expect(group.details.organizers).toEqual([
      { userId: owner.id, displayName: 'Olga Owner', handle: expect.any(String), role: 'owner' }
    ]);

    const taken = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'azure-munich' }
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().errors).toEqual([{ field: 'slug', message: 'This address is taken.' }]);
  });

  it('takes coordinates from the city when none are given; given coordinates win', async () => {
    const owner = await person('Carla Coordinates');
    const create = async (slug: string, extra: Record<string, unknown>) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/groups',
        cookie: owner.cookie,
        body: { ...base, slug, ...extra }
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ details: { latitude: number | null; longitude: number | null } }>();
    };
    const at = (g: { details: { latitude: number | null; longitude: number | null } }) => [
      g.details.latitude,
      g.details.longitude
    ];
    const munich = await create('coords-muenchen', { city: 'Muenchen', country: 'DE' });
    expect(munich.details.latitude).toBeCloseTo(48.137, 2);
    expect(munich.details.longitude).toBeCloseTo(11.575, 2);
    // The most populous place of that name in the group's country.
    const frankfurt = await create('coords-frankfurt', { city: 'Frankfurt', country: 'DE' });
    expect(frankfurt.details.latitude).toBeCloseTo(50.116, 2);
    const vienna = await create('coords-vienna-us', { city: 'Vienna', country: 'US' });
    expect(vienna.details.longitude).toBeLessThan(-70);
    expect(
      at(await create('coords-explicit', { city: 'München', latitude: 1, longitude: 2 }))
    ).toEqual([1, 2]);
    // Too close to zero for a 4-byte float: PostgreSQL refused them with a 500 (found by fuzzing).
    expect(at(await create('coords-tiny', { latitude: 1e-40, longitude: -6.4e-323 }))).toEqual([
      0, 0
    ]);
    expect(
      at(await create('coords-unknown', { city: 'Nowhere-upon-Nothing', country: 'DE' }))
    ).toEqual([null, null]);
    expect(at(await create('coords-wrong-country', { city: 'München', country: 'FR' }))).toEqual([
      null,
      null
    ]);

    const patch = async (body: Record<string, unknown>) => {
      const res = await t.request({
        method: 'PATCH',
        url: '/api/v1/groups/coords-muenchen',
        cookie: owner.cookie,
        body
      });
      expect(res.statusCode, res.body).toBe(200);
      return at(res.json());
    };
    const [koelnLat] = await patch({ city: 'Köln' });
    expect(koelnLat).toBeCloseTo(50.933, 2);
    expect(await patch({ latitude: 50.94, longitude: 6.96 })).toEqual([50.94, 6.96]);
    expect(await patch({ city: 'Köln', name: 'Renamed' })).toEqual([50.94, 6.96]); // same place
    expect(await patch({ city: 'Nowhere-upon-Nothing' })).toEqual([null, null]); // the old ones were Köln's
    const [berlinLat] = await patch({ city: 'Berlin', country: 'DE' });
    expect(berlinLat).toBeCloseTo(52.52, 2);
  });

  it('sends a plain-text excerpt of the description with the group', async () => {
    const owner = await person('Eve Excerpt');
    const description = `# Welcome\n\nWe meet **monthly** at [the office](https://x.example) &amp; talk <b>cloud</b> in Zanzibar.\n\n${'More words here. '.repeat(30)}`;
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'excerpt-group', description }
    });
    const excerpt = res.json<{ excerpt: string }>().excerpt;
    expect(excerpt).toMatch(
      /^Welcome We meet monthly at the office & talk <b>cloud<\/b> in Zanzibar\. More words here\. .*…$/
    );
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(200);
    const page = await t.request({ method: 'GET', url: '/api/v1/groups/excerpt-group' });
    expect(page.json<{ excerpt: string }>().excerpt).toBe(excerpt);
    const search = await t.request({ method: 'GET', url: '/api/v1/groups?q=zanzibar' });
    expect(search.json<{ items: { slug: string; excerpt: string }[] }>().items).toEqual([
      expect.objectContaining({ slug: 'excerpt-group', excerpt })
    ]);
    const mine = await t.request({ method: 'GET', url: '/api/v1/me/groups', cookie: owner.cookie });
    expect(mine.json<{ items: { excerpt: string }[] }>().items[0]?.excerpt).toBe(excerpt);
    // The excerpt is made when the group is written; a row from before that (excerpt '') is
    // excerpted when read.
    const stored = await t.testDb.db.kysely
      .selectFrom('groups')
      .select('excerpt')
      .where('slug', '=', 'excerpt-group')
      .executeTakeFirstOrThrow();
    expect(stored.excerpt).toBe(excerpt);
    await t.testDb.db.kysely
      .updateTable('groups')
      .set({ excerpt: '' })
      .where('slug', '=', 'excerpt-group')
      .execute();
    const older = await t.request({ method: 'GET', url: '/api/v1/groups/excerpt-group' });
    expect(older.json<{ excerpt: string }>().excerpt).toBe(excerpt);
  });

  it('refuses invalid group input per field and stores nothing', async () => {
    const owner = await person('Invalid Ivan');
    const before = await t.testDb.db.kysely.selectFrom('groups').select('id').execute();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: {
        ...base,
        slug: '-bad slug-',
        kind: 'club',
        timeZone: 'Atlantis/Central',
        tags: Array.from({ length: 16 }, (_, i) => `tag${i}`),
        latitude: 95,
        visibility: 'secret',
        websiteUrl: 'javascript:alert(1)',
        ownerId: 'someone-else'
      }
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'slug',
        'kind',
        'timeZone',
        'tags',
        'latitude',
        'visibility',
        'websiteUrl',
        'ownerId'
      ])
    );
    expect(await t.testDb.db.kysely.selectFrom('groups').select('id').execute()).toHaveLength(
      before.length
    );
  });

  it('lets only admins create groups when the instance says so', async () => {
    const member = await person('Mia Member');
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: '/api/v1/admin/settings',
          cookie: member.cookie,
          body: { groupCreation: 'admins' }
        })
      ).statusCode
    ).toBe(404);
    const set = await t.request({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      cookie: admin.cookie,
      body: { groupCreation: 'admins' }
    });
    expect(set.json()).toEqual({ groupCreation: 'admins', registration: 'open' });
    const denied = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: member.cookie,
      body: { ...base, slug: 'not-allowed' }
    });
    expect(denied.statusCode).toBe(403);
    const allowed = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: admin.cookie,
      body: { ...base, slug: 'admins-only' }
    });
    expect(allowed.statusCode).toBe(201);
    await t.request({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      cookie: admin.cookie,
      body: { groupCreation: 'anyone' }
    });
  });

  it('runs an approval group: answers required, request, approval, private content, counts and audit', async () => {
    const owner = await person('Paula Practice');
    const applicant = await person('Arne Applicant');
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: {
        ...base,
        slug: 'devops-cop',
        name: 'DevOps & Cloud Engineering CoP',
        kind: 'practice',
        visibility: 'private',
        joinPolicy: 'approval',
        tags: ['devops'],
        joinQuestions: ['Which team are you in?']
      }
    });
    expect(created.statusCode).toBe(201);
    const outside = (
      await t.request({ method: 'GET', url: '/api/v1/groups/devops-cop', cookie: applicant.cookie })
    ).json();
    expect(outside).toMatchObject({
      name: 'DevOps & Cloud Engineering CoP',
      details: null,
      viewer: { canJoin: true }
    });

    const noAnswer = await t.request({
      method: 'POST',
      url: '/api/v1/groups/devops-cop/join',
      cookie: applicant.cookie,
      body: {}
    });
    expect(noAnswer.statusCode).toBe(400);
    expect(noAnswer.json().errors).toEqual([
      { field: 'answers.0', message: 'This field is required.' }
    ]);
    const join = await t.request({
      method: 'POST',
      url: '/api/v1/groups/devops-cop/join',
      cookie: applicant.cookie,
      body: { answers: ['Platform'] }
    });
    expect(join.json()).toEqual({ status: 'pending' });
    const again = await t.request({
      method: 'POST',
      url: '/api/v1/groups/devops-cop/join',
      cookie: applicant.cookie,
      body: { answers: ['Platform'] }
    });
    expect(again.statusCode).toBe(409);

    const requests = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/devops-cop/requests',
        cookie: owner.cookie
      })
    ).json();
    expect(requests.items).toEqual([
      expect.objectContaining({ userId: applicant.id, status: 'pending', answers: ['Platform'] })
    ]);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/groups/devops-cop/requests/${applicant.id}/approve`,
          cookie: owner.cookie
        })
      ).statusCode
    ).toBe(204);

    const inside = (
      await t.request({ method: 'GET', url: '/api/v1/groups/devops-cop', cookie: applicant.cookie })
    ).json();
    expect(inside.details).toMatchObject({ tags: ['devops'], memberCount: 2 });
    expect(inside.viewer).toMatchObject({ role: 'member', status: 'active' });
    const audit = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/devops-cop/audit',
        cookie: owner.cookie
      })
    ).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      'member.approved',
      'group.created'
    ]);
    expect(audit.items[0]).toMatchObject({
      actorId: owner.id,
      subjectUserId: applicant.id,
      subjectName: 'Arne Applicant'
    });
  });

  it('bans for good, keeps one owner, and logs role changes and removals', async () => {
    const owner = await person('Otto Owner');
    const organizer = await person('Ola Organizer');
    const member = await person('Max Member');
    await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'k8s-hamburg' }
    });
    for (const p of [organizer, member]) {
      expect(
        (
          await t.request({
            method: 'POST',
            url: '/api/v1/groups/k8s-hamburg/join',
            cookie: p.cookie,
            body: {}
          })
        ).json()
      ).toEqual({ status: 'active' });
    }
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: `/api/v1/groups/k8s-hamburg/members/${organizer.id}`,
          cookie: owner.cookie,
          body: { role: 'organizer' }
        })
      ).statusCode
    ).toBe(204);
    // Organizers manage members, not other organizers or the owner.
    expect(
      (
        await t.request({
          method: 'DELETE',
          url: `/api/v1/groups/k8s-hamburg/members/${owner.id}`,
          cookie: organizer.cookie
        })
      ).statusCode
    ).toBe(403);
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: `/api/v1/groups/k8s-hamburg/members/${member.id}`,
          cookie: organizer.cookie,
          body: { role: 'organizer' }
        })
      ).statusCode
    ).toBe(403);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/groups/k8s-hamburg/leave',
          cookie: owner.cookie
        })
      ).statusCode
    ).toBe(409);

    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/v1/groups/k8s-hamburg/members/${member.id}/ban`,
          cookie: organizer.cookie
        })
      ).statusCode
    ).toBe(204);
    const ghost = await t.request({
      method: 'POST',
      url: '/api/v1/groups/k8s-hamburg/members/no-such-user/ban',
      cookie: organizer.cookie
    });
    expect(ghost.statusCode).toBe(404);
    const rejoin = await t.request({
      method: 'POST',
      url: '/api/v1/groups/k8s-hamburg/join',
      cookie: member.cookie,
      body: {}
    });
    expect(rejoin.statusCode).toBe(403);
    expect(
      (
        await t.request({ method: 'GET', url: '/api/v1/groups/k8s-hamburg', cookie: owner.cookie })
      ).json().details.memberCount
    ).toBe(2);

    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/groups/k8s-hamburg/transfer',
          cookie: owner.cookie,
          body: { userId: organizer.id }
        })
      ).statusCode
    ).toBe(204);
    const owners = await t.testDb.db.kysely
      .selectFrom('memberships')
      .innerJoin('groups', 'groups.id', 'memberships.group_id')
      .select('memberships.user_id')
      .where('groups.slug', '=', 'k8s-hamburg')
      .where('memberships.role', '=', 'owner')
      .execute();
    expect(owners.map((o) => o.user_id)).toEqual([organizer.id]);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/api/v1/groups/k8s-hamburg/leave',
          cookie: owner.cookie
        })
      ).statusCode
    ).toBe(204);
    const actions = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/k8s-hamburg/audit',
        cookie: organizer.cookie
      })
    )
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'group.ownership-transferred',
      'member.banned',
      'member.role-changed',
      'group.created'
    ]);
  });

  it('searches the member directory by name and tag, leaving out those who hid themselves', async () => {
    const owner = await person('Dora Directory');
    await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'terraform-users' }
    });
    const tf = await person('Terry Form');
    const shy = await person('Shy Terraformer');
    for (const [p, tags] of [
      [tf, ['Terraform', 'aws']],
      [shy, ['terraform']]
    ] as const) {
      await t.request({ method: 'PATCH', url: '/api/v1/me', cookie: p.cookie, body: { tags } });
      await t.request({
        method: 'POST',
        url: '/api/v1/groups/terraform-users/join',
        cookie: p.cookie,
        body: {}
      });
    }
    await t.request({
      method: 'PATCH',
      url: '/api/v1/groups/terraform-users/membership',
      cookie: shy.cookie,
      body: { hiddenInDirectory: true }
    });
    // Meeting mails: every new meeting by default, changed per group; a bad choice is a 400.
    const settingsOf = async () =>
      (
        await t.request({
          method: 'GET',
          url: '/api/v1/groups/terraform-users',
          cookie: shy.cookie
        })
      ).json<{ viewer: { settings: unknown } }>().viewer.settings;
    expect(await settingsOf()).toEqual({ hiddenInDirectory: true, meetingMail: 'all' });
    const mail = await t.request({
      method: 'PATCH',
      url: '/api/v1/groups/terraform-users/membership',
      cookie: shy.cookie,
      body: { meetingMail: 'going' }
    });
    expect(mail.statusCode).toBe(204);
    expect(await settingsOf()).toEqual({ hiddenInDirectory: true, meetingMail: 'going' });
    const bad = await t.request({
      method: 'PATCH',
      url: '/api/v1/groups/terraform-users/membership',
      cookie: shy.cookie,
      body: { meetingMail: 'sometimes' }
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ field: 'meetingMail' }] });
    const byTag = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/terraform-users/members?tag=Terraform',
        cookie: tf.cookie
      })
    ).json();
    expect(byTag.items.map((m: { displayName: string }) => m.displayName)).toEqual(['Terry Form']);
    const byName = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/terraform-users/members?q=terr',
        cookie: tf.cookie
      })
    ).json();
    expect(byName.items.map((m: { displayName: string }) => m.displayName)).toEqual(['Terry Form']);
    const organizerView = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/terraform-users/members?tag=terraform',
        cookie: owner.cookie
      })
    ).json();
    expect(organizerView.items.map((m: { displayName: string }) => m.displayName).sort()).toEqual([
      'Shy Terraformer',
      'Terry Form'
    ]);
    const wildcard = (
      await t.request({
        method: 'GET',
        url: '/api/v1/groups/terraform-users/members?q=%25',
        cookie: tf.cookie
      })
    ).json();
    expect(wildcard.items).toEqual([]);
  });

  it('mails organizers about join requests and lets invited people into hidden groups, once', async () => {
    const owner = await person('Ines Inviter');
    const organizer = await person('Oskar Organizer');
    const guest = await t.buildUser({ name: 'Gina Guest' });
    const guestCookie = await t.logIn(guest.email);
    await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'inner-circle', visibility: 'hidden', joinPolicy: 'invitation' }
    });
    await t.request({
      method: 'POST',
      url: '/api/v1/groups',
      cookie: owner.cookie,
      body: { ...base, slug: 'ask-first', joinPolicy: 'approval' }
    });
    await t.request({
      method: 'POST',
      url: '/api/v1/groups/ask-first/join',
      cookie: organizer.cookie,
      body: {}
    });
    await t.request({
      method: 'POST',
      url: `/api/v1/groups/ask-first/requests/${organizer.id}/approve`,
      cookie: owner.cookie
    });
    await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/ask-first/members/${organizer.id}`,
      cookie: owner.cookie,
      body: { role: 'organizer' }
    });

    await t.request({
      method: 'POST',
      url: '/api/v1/groups/ask-first/join',
      cookie: guestCookie,
      body: {}
    });
    const notified = t.queue.mails.filter(
      (m) => m.template === 'join-request' && m.params.groupName === 'Azure Meetup Munich'
    );
    expect(notified.map((m) => m.params.applicantName)).toEqual([
      'Oskar Organizer',
      'Gina Guest',
      'Gina Guest'
    ]);
    expect(notified.at(-1)?.params.url).toBe('http://guildhall.test/groups/ask-first/requests');

    expect(
      (await t.request({ method: 'GET', url: '/api/v1/groups/inner-circle', cookie: guestCookie }))
        .statusCode
    ).toBe(404);
    const sent = await t.request({
      method: 'POST',
      url: '/api/v1/groups/inner-circle/invitations',
      cookie: owner.cookie,
      body: { email: guest.email }
    });
    expect(sent.statusCode).toBe(202);
    const mail = t.queue.lastMail(guest.email, 'group-invitation');
    expect(mail.params).toMatchObject({
      inviterName: 'Ines Inviter',
      groupName: 'Azure Meetup Munich'
    });
    const token = mail.params.url?.split('/invitations/')[1] ?? '';
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/invitations/${token}` })).json()
    ).toEqual({
      group: { slug: 'inner-circle', name: 'Azure Meetup Munich', description: '' }
    });
    const accepted = await t.request({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      cookie: guestCookie,
      body: { token }
    });
    expect(accepted.json()).toEqual({ slug: 'inner-circle' });
    expect(
      (
        await t.request({ method: 'GET', url: '/api/v1/groups/inner-circle', cookie: guestCookie })
      ).json().viewer
    ).toMatchObject({ role: 'member', status: 'active' });
    const reused = await t.request({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      cookie: organizer.cookie,
      body: { token }
    });
    expect(reused.statusCode).toBe(400);
    expect(
      (await t.request({ method: 'GET', url: `/api/v1/invitations/${token}` })).statusCode
    ).toBe(404);
  });
});
