import type { EventList, Group, ItemList, Problem, Series } from '#lib/api-types.ts';
import { api, failed, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const path = `/groups/${encodeURIComponent(event.params.slug)}` as const;
  // A hidden group is a 404 to outsiders: the error page says "not found".
  const group = unwrap(event, await api<Group>(event, 'GET', path));
  // Meetings are for those who may read the group (members only in private groups).
  if (!group.details) return { group, meetings: null, healthPublic: false };
  const [upcoming, past, series, health] = await Promise.all([
    api<EventList>(event, 'GET', `${path}/events?when=upcoming&limit=5`),
    api<EventList>(event, 'GET', `${path}/events?when=past&limit=3`),
    api<ItemList<Series>>(event, 'GET', `${path}/series`),
    // The link to the public figures, for those who do not run the group (organizers see theirs).
    group.viewer.canManage ? null : api<unknown>(event, 'GET', `${path}/health/public`)
  ]);
  return {
    group,
    healthPublic: health?.ok ?? false,
    meetings: {
      upcoming: upcoming.ok ? upcoming.data.items : [],
      moreUpcoming: upcoming.ok && upcoming.data.nextCursor !== null,
      past: past.ok ? past.data.items : [],
      series: series.ok ? series.data.items : []
    }
  };
};

/** `answers.2` (the API's field) → `answer-2` (the form's input). */
function answerFields(problem: Problem): Problem {
  return {
    ...problem,
    errors: problem.errors?.map((e) => ({
      ...e,
      field: e.field.replace(/^answers\.(\d+)$/, 'answer-$1')
    }))
  };
}

export const actions: Actions = {
  join: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const answers: string[] = [];
    for (let i = 0; form.has(`answer-${i}`); i++) {
      const value = form.get(`answer-${i}`);
      answers.push(typeof value === 'string' ? value : '');
    }
    const result = await api<{ status: 'active' | 'pending' }>(
      event,
      'POST',
      `/groups/${encodeURIComponent(event.params.slug)}/join`,
      answers.length > 0 ? { answers } : {}
    );
    if (!result.ok) {
      const fields = answers.map((_, i) => `answer-${i}`);
      return failed(event, { ...result, problem: answerFields(result.problem) }, fields, {
        form: 'join' as const,
        answers
      });
    }
    return { form: 'join' as const, status: result.data.status };
  },

  leave: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const pending = form.get('pending') === 'true';
    const result = await api(
      event,
      'POST',
      `/groups/${encodeURIComponent(event.params.slug)}/leave`
    );
    if (!result.ok) return failed(event, result, [], { form: 'leave' as const });
    return { form: 'leave' as const, withdrawn: pending };
  },

  settings: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const meetingMail = form.get('meetingMail');
    const result = await api(
      event,
      'PATCH',
      `/groups/${encodeURIComponent(event.params.slug)}/membership`,
      {
        hiddenInDirectory: form.get('hiddenInDirectory') === 'on',
        ...(typeof meetingMail === 'string' && { meetingMail })
      }
    );
    if (!result.ok) return failed(event, result, ['meetingMail'], { form: 'settings' as const });
    return { form: 'settings' as const, saved: true };
  }
};
