import { beforeAll, expect, it } from 'vitest';
import { listAudit } from '../../../services/audit.service.ts';
import { createMeeting } from '../../../services/event.service.ts';
import { createGroup } from '../../../services/group.service.ts';
import { acceptTalk, createTalk } from '../../../services/talk-write.service.ts';
import { addMemberships, type PersonaUser } from '../../../test/personas.ts';
import { describeWithApp, type TestApp } from '../../../test/test-app.ts';

type Who = 'owner' | 'organizer' | 'host' | 'member' | 'other' | 'outsider';
const CONTACT = 'grace.private@guest.example';
const guest = {
  name: 'Grace Guest',
  bio: 'Wrote the *first* compiler.',
  company: 'Navy',
  contact: CONTACT
};

interface SpeakerJson {
  id: string;
  name: string;
  bio: string;
  company: string | null;
  member: { id: string } | null;
  invited: boolean;
  contact?: string | null;
  talkCount: number;
  talks?: { id: string; title: string; event: { id: string } | null; slidesUrl: string | null }[];
}

describeWithApp('speakers', (app) => {
  let t: TestApp;
  const users = {} as Record<Who, PersonaUser>;
  let counter = 0;

  beforeAll(async () => {
    t = app();
    await t.buildUser({ name: 'Instance admin' });
    for (const who of ['owner', 'organizer', 'host', 'member', 'other', 'outsider'] as const) {
      const { id, email } = await t.buildUser({ name: `Speakers ${who}` });
      users[who] = { id, email, cookie: await t.logIn(email) };
    }
  });

  async function group() {
    counter += 1;
    const db = t.testDb.db;
    const created = await createGroup(db, users.owner.id, {
      slug: `speakers-${counter}`,
      name: `Speakers ${counter}`,
      kind: 'meetup',
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      joinPolicy: 'open'
    });
    await addMemberships(t, created.id, users, [
      ['organizer', 'organizer', 'active'],
      ['host', 'host', 'active'],
      ['member', 'member', 'active'],
      ['other', 'member', 'active']
    ]);
    return created;
  }

  async function meeting(groupId: string, days: number, title: string) {
    const startsAt = new Date(Date.now() + days * 24 * 3600_000);
    return createMeeting(t.testDb.db, t.queue, groupId, users.owner.id, {
      title,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      timeZone: 'Europe/Berlin',
      publish: true
    });
  }

  const as = (who: Who | 'anonymous') => (who === 'anonymous' ? {} : { cookie: users[who].cookie });
  const add = (slug: string, body: unknown, who: Who | 'anonymous' = 'organizer') =>
    t.request({ method: 'POST', url: `/api/v1/groups/${slug}/speakers`, body, ...as(who) });
  const patch = (slug: string, id: string, body: unknown, who: Who | 'anonymous') =>
    t.request({ method: 'PATCH', url: `/api/v1/groups/${slug}/speakers/${id}`, body, ...as(who) });
  const list = (slug: string, who: Who | 'anonymous') =>
    t.request({ method: 'GET', url: `/api/v1/groups/${slug}/speakers`, ...as(who) });
  const detail = (slug: string, id: string, who: Who | 'anonymous') =>
    t.request({ method: 'GET', url: `/api/v1/groups/${slug}/speakers/${id}`, ...as(who) });

  it('adds an invited speaker whose contact only organizers ever see', async () => {
    const g = await group();
    const res = await add(g.slug, guest);
    expect(res.statusCode, res.body).toBe(201);
    const speaker = res.json<SpeakerJson>();
    expect(speaker).toEqual({
      id: expect.any(String),
      name: 'Grace Guest',
      bio: guest.bio,
      bioHtml: '<p>Wrote the <em>first</em> compiler.</p>\n',
      company: 'Navy',
      member: null,
      invited: true,
      contact: CONTACT,
      talkCount: 0
    });
    // Without an accepted talk, only organizers see the speaker.
    expect((await list(g.slug, 'organizer')).json().items).toEqual([speaker]);
    for (const who of ['member', 'host', 'anonymous'] as const) {
      expect((await list(g.slug, who)).json().items, who).toEqual([]);
      expect((await detail(g.slug, speaker.id, who)).statusCode, who).toBe(404);
    }
    // Accepted into a meeting: now public, with the talk, never with the contact.
    const m = await meeting(g.id, 7, 'March');
    const talk = await createTalk(t.testDb.db, g.id, users.organizer.id, {
      title: 'Nanoseconds',
      durationMinutes: 30,
      level: 'beginner',
      speakerId: speaker.id,
      eventId: m.id
    });
    const urls = [
      `/api/v1/groups/${g.slug}/speakers`,
      `/api/v1/groups/${g.slug}/speakers/${speaker.id}`,
      `/api/v1/groups/${g.slug}/talks`,
      `/api/v1/groups/${g.slug}/talks/${talk.id}`,
      `/api/v1/events/${m.id}/agenda`
    ];
    for (const who of ['anonymous', 'outsider', 'member', 'host'] as const) {
      for (const url of urls) {
        const r = await t.request({ method: 'GET', url, ...as(who) });
        expect(r.statusCode, `${who} ${url}`).toBe(200);
        expect(r.body, `${who} ${url}`).not.toContain(CONTACT);
        expect(r.body, `${who} ${url}`).not.toContain('"contact"');
      }
    }
    const seen = (await detail(g.slug, speaker.id, 'member')).json<SpeakerJson>();
    expect(seen).toMatchObject({ name: 'Grace Guest', talkCount: 1 });
    expect(seen.talks?.map((x) => x.id)).toEqual([talk.id]);
    expect((await detail(g.slug, speaker.id, 'owner')).json().contact).toBe(CONTACT);
    const changed = await patch(g.slug, speaker.id, { company: 'US Navy' }, 'organizer');
    expect(changed.json()).toMatchObject({ company: 'US Navy', contact: CONTACT });
  });

  it('walks the ladder for adding and changing speakers', async () => {
    const g = await group();
    expect((await add(g.slug, guest, 'anonymous')).statusCode).toBe(401);
    for (const who of ['member', 'host', 'outsider'] as const) {
      expect((await add(g.slug, guest, who)).statusCode, who).toBe(403);
    }
    const cases: [Record<string, unknown>, { field: string; message: string }[]][] = [
      [{}, [{ field: 'name', message: 'This field is required.' }]],
      [{ name: ' ' }, [{ field: 'name', message: 'Must not be empty.' }]],
      [{ name: 'x'.repeat(101) }, [{ field: 'name', message: 'Must be at most 100 characters.' }]],
      [
        { name: 'A', bio: 'x'.repeat(5001) },
        [{ field: 'bio', message: 'Must be at most 5000 characters.' }]
      ],
      [
        { name: 'A', company: 'x'.repeat(101) },
        [{ field: 'company', message: 'Must be at most 100 characters.' }]
      ],
      [
        { name: 'A', contact: 'x'.repeat(201) },
        [{ field: 'contact', message: 'Must be at most 200 characters.' }]
      ],
      [
        { name: 'A', userId: users.member.id },
        [{ field: 'userId', message: 'This field is not allowed here.' }]
      ]
    ];
    for (const [body, errors] of cases) {
      const res = await add(g.slug, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.json().errors, JSON.stringify(body).slice(0, 60)).toEqual(errors);
    }
    expect((await list(g.slug, 'owner')).json().items).toEqual([]);

    const speaker = (
      await add(g.slug, { name: '  Ada  ', company: ' ', contact: '' })
    ).json<SpeakerJson>();
    expect(speaker).toMatchObject({ name: 'Ada', company: null, contact: null, bio: '' });
    const bad = await patch(g.slug, speaker.id, { name: '' }, 'organizer');
    expect(bad.json().errors).toEqual([{ field: 'name', message: 'Must not be empty.' }]);
    expect((await patch(g.slug, speaker.id, { bio: 'x' }, 'anonymous')).statusCode).toBe(401);
    // Members do not even see a speaker without talks; another group's speaker is not here.
    expect((await patch(g.slug, speaker.id, { bio: 'x' }, 'member')).statusCode).toBe(404);
    const other = await group();
    expect((await patch(other.slug, speaker.id, { bio: 'x' }, 'owner')).statusCode).toBe(404);
    const ok = await patch(
      g.slug,
      speaker.id,
      { name: 'Ada L.', contact: 'ada@example.org' },
      'owner'
    );
    expect(ok.json()).toMatchObject({ name: 'Ada L.', contact: 'ada@example.org' });
    const audit = (await listAudit(t.testDb.db, g.id)).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['speaker.created', 'speaker.updated']));
  });

  it('lets a member change their own bio and company, not their name or anyone else’s entry', async () => {
    const g = await group();
    const m = await meeting(g.id, 7, 'March');
    const talk = await createTalk(t.testDb.db, g.id, users.member.id, {
      title: 'Mine',
      durationMinutes: 20,
      level: 'advanced'
    });
    const speakerId = talk.speaker.id;
    // Before any accepted talk, the member sees and edits their own entry.
    expect((await detail(g.slug, speakerId, 'member')).statusCode).toBe(200);
    expect((await detail(g.slug, speakerId, 'other')).statusCode).toBe(404);
    const own = await patch(
      g.slug,
      speakerId,
      { bio: 'I test things.', company: 'ACME' },
      'member'
    );
    expect(own.statusCode, own.body).toBe(200);
    const body = own.json<SpeakerJson>();
    expect(body).toMatchObject({
      name: 'Speakers member',
      bio: 'I test things.',
      company: 'ACME',
      invited: false,
      member: { id: users.member.id }
    });
    expect('contact' in body).toBe(false);
    for (const change of [
      { name: 'Someone else' },
      { contact: 'me@example.org' },
      { bio: 'x', name: 'y' }
    ]) {
      expect(
        (await patch(g.slug, speakerId, change, 'member')).statusCode,
        JSON.stringify(change)
      ).toBe(403);
    }
    await acceptTalk(t.testDb.db, g.id, talk.id, users.owner.id, m.id);
    expect((await patch(g.slug, speakerId, { bio: 'Not mine' }, 'other')).statusCode).toBe(403);
    expect((await patch(g.slug, speakerId, { bio: 'Not mine' }, 'host')).statusCode).toBe(403);
    expect((await detail(g.slug, speakerId, 'anonymous')).json()).toMatchObject({
      bio: 'I test things.'
    });
    // A member's own edit is not an organizer action: nothing audited.
    const audit = (await listAudit(t.testDb.db, g.id)).map((e) => e.action);
    expect(audit).not.toContain('speaker.updated');
  });

  it('lists the talks a speaker gave, newest meeting first, with their links', async () => {
    const g = await group();
    const early = await meeting(g.id, 7, 'Early');
    const late = await meeting(g.id, 60, 'Late');
    const middle = await meeting(g.id, 30, 'Middle');
    const db = t.testDb.db;
    const ids: Record<string, string> = {};
    for (const [title, m] of [
      ['At late', late],
      ['At early', early],
      ['At middle', middle]
    ] as const) {
      const talk = await createTalk(db, g.id, users.member.id, {
        title,
        durationMinutes: 20,
        level: 'beginner'
      });
      await acceptTalk(db, g.id, talk.id, users.owner.id, m.id);
      ids[title] = talk.id;
    }
    const unaccepted = await createTalk(db, g.id, users.member.id, {
      title: 'Still proposed',
      durationMinutes: 20,
      level: 'beginner'
    });
    await t.request({
      method: 'PATCH',
      url: `/api/v1/groups/${g.slug}/talks/${ids['At early'] ?? ''}`,
      cookie: users.member.cookie,
      body: { slidesUrl: 'https://slides.example/early' }
    });
    const res = await detail(g.slug, unaccepted.speaker.id, 'anonymous');
    expect(res.statusCode, res.body).toBe(200);
    const speaker = res.json<SpeakerJson>();
    expect(speaker.talkCount).toBe(3);
    expect(speaker.talks?.map((x) => [x.title, x.event?.id])).toEqual([
      ['At late', late.id],
      ['At middle', middle.id],
      ['At early', early.id]
    ]);
    expect(speaker.talks?.[2]?.slidesUrl).toBe('https://slides.example/early');
    const listed = (await list(g.slug, 'anonymous')).json<{ items: SpeakerJson[] }>().items;
    expect(listed.map((s) => [s.name, s.talkCount])).toEqual([['Speakers member', 3]]);
  });

  it('documents the speaker endpoints in OpenAPI', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    expect(doc.paths['/api/v1/groups/{slug}/speakers']?.get?.tags).toEqual(['speakers']);
    expect(doc.paths['/api/v1/groups/{slug}/speakers']?.post?.tags).toEqual(['speakers']);
    expect(doc.paths['/api/v1/groups/{slug}/speakers/{id}']?.get?.tags).toEqual(['speakers']);
    expect(doc.paths['/api/v1/groups/{slug}/speakers/{id}']?.patch?.tags).toEqual(['speakers']);
  });
});
