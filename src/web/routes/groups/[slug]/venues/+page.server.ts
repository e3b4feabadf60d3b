import type { ItemList, Venue } from '#lib/api-types.ts';
import { api, failed, text, unwrap } from '#lib/server/api.ts';
import { requireMe } from '#lib/server/guard.ts';
import {
  readVenueForm,
  VENUE_FIELDS,
  venueBody,
  venueFormValues
} from '#lib/server/meeting-forms.ts';
import { groupPath, loadGroup, notFound } from '#lib/server/meetings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMe(event);
  const group = await loadGroup(event);
  // Organizers keep the venues; the page does not exist for anyone else.
  if (!group.viewer.canManage) notFound(event);
  const venues = unwrap(
    event,
    await api<ItemList<Venue>>(event, 'GET', `${groupPath(group.slug)}/venues?includeArchived=true`)
  ).items;
  const editId = event.url.searchParams.get('edit');
  const editing = editId ? (venues.find((v) => v.id === editId) ?? null) : null;
  return { group, venues, editing, values: editing ? venueFormValues(editing) : null };
};

export const actions: Actions = {
  create: async (event) => {
    requireMe(event);
    const values = readVenueForm(await event.request.formData());
    const result = await api<Venue>(
      event,
      'POST',
      `${groupPath(event.params.slug)}/venues`,
      venueBody(values)
    );
    if (!result.ok) return failed(event, result, VENUE_FIELDS, { form: 'venue' as const, values });
    return { form: 'venue' as const, added: result.data.name };
  },

  save: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const id = text(form, 'id');
    const values = readVenueForm(form);
    const result = await api<Venue>(
      event,
      'PATCH',
      `${groupPath(event.params.slug)}/venues/${encodeURIComponent(id)}`,
      venueBody(values)
    );
    if (!result.ok) return failed(event, result, VENUE_FIELDS, { form: 'venue' as const, values });
    return { form: 'venue' as const, saved: result.data.name };
  },

  archive: async (event) => {
    requireMe(event);
    const form = await event.request.formData();
    const name = text(form, 'name');
    const result = await api(
      event,
      'DELETE',
      `${groupPath(event.params.slug)}/venues/${encodeURIComponent(text(form, 'id'))}`
    );
    if (!result.ok) return failed(event, result, [], { form: 'archive' as const, name });
    return { form: 'archive' as const, archived: name };
  }
};
