/** Roles: Elasticsearch's role descriptors (cluster privileges are what counts here) and the built-in roles
 * infergate knows by name. */
import type { components } from '../../generated/openapi';
import { privilegeGrants, type ActionRequest } from './privileges';

export type RoleDescriptor = components['schemas']['RoleDescriptor'];

export type RoleDescriptors = Record<string, RoleDescriptor>;

/** The built-in roles of Elasticsearch that matter to inference; any other assigned role name is "not found". */
export const BUILT_IN_ROLES: RoleDescriptors = {
  superuser: { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'], allow_restricted_indices: true }], applications: [{ application: '*', privileges: ['*'], resources: ['*'] }], run_as: ['*'], metadata: { _reserved: true } },
  inference_admin: { cluster: ['manage_inference'], metadata: { _reserved: true } },
  inference_user: { cluster: ['monitor_inference'], metadata: { _reserved: true } },
};

/** The descriptors of the assigned roles that exist, by name. */
export function resolveRoles(names: readonly string[]): RoleDescriptors {
  return Object.fromEntries(names.filter((name) => Object.hasOwn(BUILT_IN_ROLES, name)).map((name) => [name, BUILT_IN_ROLES[name]!]));
}

/** Whether any of the roles grants the action (a union, as Elasticsearch combines a user's roles). */
export function rolesGrant(roles: RoleDescriptors, action: string, request: ActionRequest = {}): boolean {
  return Object.values(roles).some((role) => (role.cluster ?? []).some((privilege) => privilegeGrants(privilege, action, request)));
}
