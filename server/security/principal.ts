/** Who is making a request, once authentication has run. With security off there is no principal. */
import type { Response } from 'express';
import type { ActionRequest } from './privileges';
import { resolveRoles, rolesGrant, type RoleDescriptors } from './roles';

export interface Realm {
  name: string;
  type: string;
}

export const RESERVED_REALM: Realm = { name: 'reserved', type: 'reserved' };
export const FILE_REALM: Realm = { name: 'file', type: 'file' };
export const API_KEY_REALM: Realm = { name: '_es_api_key', type: '_es_api_key' };

export interface Principal {
  /** The user name Elasticsearch would report (`elastic`, a file-realm user, or the owner of an API key). */
  username: string;
  /** The user's assigned role names; an API key has none. */
  roles: string[];
  metadata: Record<string, unknown>;
  authenticationRealm: Realm;
  /** The realm of the user: the key owner's for an API key. */
  userRealm: Realm;
  apiKey?: { id: string; name: string };
  /** The privileges an API key created by this principal is limited by (a user's roles; a key's own limits). */
  limitedBy: RoleDescriptors;
  allows(action: string, request?: ActionRequest): boolean;
}

export function userPrincipal(username: string, roles: string[], realm: Realm, metadata: Record<string, unknown> = {}): Principal {
  const descriptors = resolveRoles(roles);
  return {
    username,
    roles,
    metadata,
    authenticationRealm: realm,
    userRealm: realm,
    limitedBy: descriptors,
    allows: (action, request) => rolesGrant(descriptors, action, request),
  };
}

export interface ApiKeyIdentity {
  id: string;
  name: string;
  username: string;
  realm: Realm;
  roleDescriptors: RoleDescriptors;
  limitedBy: RoleDescriptors;
}

/** An API key may do what its own roles allow and its owner's roles (at creation) allowed; no roles of its own:
 * what the owner's allowed. */
export function apiKeyPrincipal(key: ApiKeyIdentity): Principal {
  const own = Object.keys(key.roleDescriptors).length > 0 ? key.roleDescriptors : undefined;
  return {
    username: key.username,
    roles: [],
    metadata: {},
    authenticationRealm: API_KEY_REALM,
    userRealm: key.realm,
    apiKey: { id: key.id, name: key.name },
    limitedBy: own ?? key.limitedBy,
    allows: (action, request) => rolesGrant(key.limitedBy, action, request) && (own === undefined || rolesGrant(own, action, request)),
  };
}

export function principalOf(response: Response): Principal | undefined {
  return response.locals.principal as Principal | undefined;
}

export function setPrincipal(response: Response, principal: Principal): void {
  response.locals.principal = principal;
}
