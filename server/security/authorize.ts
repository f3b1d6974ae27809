/** Authorization of one request: the action its operation declares in the spec (`x-elasticsearch-action`), checked
 * against the principal's privileges. */
import type { Request } from 'express';
import { actionDenied } from './auth-errors';
import type { Principal } from './principal';

/** Every authenticated caller may ask who it is, and read the API's documentation (infergate's own action). */
const ANY_USER_ACTIONS = new Set(['cluster:admin/xpack/security/user/authenticate', 'infergate:docs']);
const OWN_KEY_ACTIONS = new Set(['cluster:admin/xpack/security/api_key/get', 'cluster:admin/xpack/security/api_key/invalidate']);

type KeyFilter = { id?: unknown; ids?: unknown; owner?: unknown; username?: unknown; realm_name?: unknown };

/** Whether a get or invalidate names only the caller's own keys (what manage_own_api_key allows): `owner=true`, the
 * caller's user and realm, or, for an API key, its own id. */
export function requestsOwnKeys(principal: Principal, filter: KeyFilter): boolean {
  if (filter.owner === true || filter.owner === 'true' || filter.owner === '') return true;
  if (filter.username === principal.username && filter.realm_name === principal.userRealm.name) return true;
  const ids = Array.isArray(filter.ids) ? filter.ids : filter.id === undefined ? [] : [filter.id];
  return principal.apiKey !== undefined && ids.length > 0 && ids.every((id) => id === principal.apiKey!.id);
}

export function authorize(principal: Principal, action: string, request: Request): void {
  if (ANY_USER_ACTIONS.has(action)) return;
  const filter = (request.method === 'GET' ? request.query : request.body) as KeyFilter | undefined;
  const details = { ownApiKeys: OWN_KEY_ACTIONS.has(action) && requestsOwnKeys(principal, filter ?? {}) };
  if (!principal.allows(action, details)) throw actionDenied(principal, action, details);
}
