import type { Group } from './api-types.ts';

/**
 * Whether the viewer runs the group's meetings (hosts, organizers, the owner, admins): the group
 * tells `canManage` (organizers and up); hosts are read from the role.
 *
 * @example
 * runsMeetings(group); // true for an active host
 */
export function runsMeetings(group: Pick<Group, 'viewer'>): boolean {
  const { role, status, canManage } = group.viewer;
  return canManage || (status === 'active' && role !== null && role !== 'member');
}
