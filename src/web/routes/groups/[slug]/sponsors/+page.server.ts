import type { ItemList, Sponsor } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import {
  readSponsorForm,
  SPONSOR_FIELDS,
  sponsorBody,
  sponsorFormValues
} from '#lib/server/meeting-forms.ts';
import { groupPath, loadGroup, notFound } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  // Organizers keep the sponsors; the page does not exist for anyone else.
  if (!group.viewer.canManage) notFound(event);
  const sponsors = unwrap(
    event,
    await api<ItemList<Sponsor>>(
      event,
      'GET',
      `${groupPath(group.slug)}/sponsors?includeArchived=true`
    )
  ).items;
  const editId = event.url.searchParams.get('edit');
  const editing = editId ? (sponsors.find((v) => v.id === editId) ?? null) : null;
  return { group, sponsors, editing, values: editing ? sponsorFormValues(editing) : null };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const values = readSponsorForm(await event.request.formData());
    const result = await api<Sponsor>(
      event,
      'POST',
      `${groupPath(event.params.slug)}/sponsors`,
      sponsorBody(values)
    );
    if (!result.ok)
      return failed(event, result, SPONSOR_FIELDS, { form: 'sponsor' as const, values });
    return { form: 'sponsor' as const, added: result.data.name };
  },

  save: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const id = text(form, 'id');
    const values = readSponsorForm(form);
    const result = await api<Sponsor>(
      event,
      'PATCH',
      `${groupPath(event.params.slug)}/sponsors/${encodeURIComponent(id)}`,
      sponsorBody(values)
    );
    if (!result.ok)
      return failed(event, result, SPONSOR_FIELDS, { form: 'sponsor' as const, values });
    return { form: 'sponsor' as const, saved: result.data.name };
  },

  archive: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const name = text(form, 'name');
    const result = await api(
      event,
      'DELETE',
      `${groupPath(event.params.slug)}/sponsors/${encodeURIComponent(text(form, 'id'))}`
    );
    if (!result.ok) return failed(event, result, [], { form: 'archive' as const, name });
    return { form: 'archive' as const, archived: name };
  }
};
