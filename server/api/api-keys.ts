/** POST/PUT, GET and DELETE /_security/api_key: Elasticsearch's API key management, over the `api_keys` table. */
import { randomBytes } from 'node:crypto';
import type { components } from '../../generated/openapi';
import type { Response } from 'express';
import { EsError, actionRequestValidationException } from '../http/errors';
import { globMatches } from '../http/glob';
import { parseTimeValue } from '../http/time-value';
import { requestBodySchema } from '../openapi/document';
import { securityDisabled } from '../security/auth-errors';
import { principalOf, type Principal } from '../security/principal';
import { unknownClusterPrivilege } from '../security/privileges';
import type { RoleDescriptor, RoleDescriptors } from '../security/roles';
import type { SecurityServices } from '../security/security-services';
import { hashApiKey, type ApiKeyDoc } from '../store/api-key-store';
import { type ApiContext, type Handler, queryFlag, queryString } from './context';
import { validatedBody } from './request-body';

type Schemas = components['schemas'];
type CreateApiKeyBody = Partial<Schemas['CreateApiKeyRequest']> & { role_descriptors?: RoleDescriptors };
type InvalidateApiKeysBody = Schemas['InvalidateApiKeysRequest'];

/** The security services and the caller; with security off, Elasticsearch's answer for its security APIs. */
export function securityOf(context: ApiContext, response: Response): { security: SecurityServices; principal: Principal } {
  const principal = principalOf(response);
  if (!context.security || !principal) throw securityDisabled();
  return { security: context.security, principal };
}

/** As Elasticsearch renders a stored role: every list and map present. */
const normalizedRole = (role: RoleDescriptor): RoleDescriptor => ({
  cluster: [],
  indices: [],
  applications: [],
  run_as: [],
  metadata: {},
  transient_metadata: { enabled: true },
  ...role,
});

const grantsNothing = (role: RoleDescriptor) =>
  ['cluster', 'indices', 'applications', 'run_as', 'remote_indices', 'remote_cluster'].every((field) => !Array.isArray(role[field]) || role[field].length === 0);

function createValidation(body: CreateApiKeyBody): string[] {
  const messages: string[] = [];
  const name = body.name;
  if (name === undefined || name === '') messages.push('api key name is required');
  else {
    if (name.length > 256) messages.push('api key name may not be more than 256 characters long');
    if (name !== name.trim()) messages.push('api key name may not begin or end with whitespace');
    if (name.startsWith('_')) messages.push('api key name may not begin with an underscore');
  }
  if (body.metadata && Object.keys(body.metadata).some((key) => key.startsWith('_'))) messages.push('API key metadata keys may not start with [_]');
  for (const role of Object.values(body.role_descriptors ?? {})) {
    for (const privilege of role.cluster ?? []) {
      const unknown = unknownClusterPrivilege(privilege);
      if (unknown) messages.push(unknown);
    }
  }
  return messages;
}

export const createApiKey: Handler = (request, response, context) => {
  const { security, principal } = securityOf(context, response);
  const schema = requestBodySchema(context.operations.get('createApiKey')!)!;
  // The name's rules are Elasticsearch's validation messages, reported after the parse errors the schema finds.
  const { required: _required, ...parseSchema } = { ...schema, properties: { ...schema.properties, name: { type: 'string' } } };
  const body = validatedBody<CreateApiKeyBody>(request, context, parseSchema, { parser: 'api_key_request' });
  const messages = createValidation(body);
  if (messages.length > 0) throw actionRequestValidationException(messages);
  const expiresInMs = body.expiration === undefined ? undefined : parseTimeValue(body.expiration, 'expiration').ms;
  const roles = body.role_descriptors ?? {};
  // Elasticsearch: a key authenticated by a key may only create keys that grant nothing.
  if (principal.apiKey && (Object.keys(roles).length === 0 || !Object.values(roles).every(grantsNothing))) {
    throw new EsError(400, 'illegal_argument_exception', 'creating derived api keys requires an explicit role descriptor that is empty (has no privileges)');
  }

  const id = randomBytes(15).toString('base64url');
  const key = randomBytes(16).toString('base64url');
  const now = Date.now();
  const doc: ApiKeyDoc = {
    id,
    name: body.name!,
    creation: now,
    ...(expiresInMs === undefined ? {} : { expiration: now + expiresInMs }),
    invalidated: false,
    username: principal.username,
    realm: principal.userRealm,
    metadata: body.metadata ?? {},
    role_descriptors: Object.fromEntries(Object.entries(roles).map(([name, role]) => [name, normalizedRole(role)])),
    limited_by: Object.fromEntries(Object.entries(principal.limitedBy).map(([name, role]) => [name, normalizedRole(role)])),
    ...hashApiKey(key),
  };
  security.apiKeys.create(doc);
  context.logger.info({ apiKeyId: id, name: doc.name, username: doc.username }, 'api key created');
  response.json({
    id,
    name: doc.name,
    ...(doc.expiration === undefined ? {} : { expiration: doc.expiration }),
    api_key: key,
    encoded: Buffer.from(`${id}:${key}`).toString('base64'),
  });
};

function keyInfo(doc: ApiKeyDoc, withLimitedBy: boolean) {
  return {
    id: doc.id,
    name: doc.name,
    type: 'rest',
    creation: doc.creation,
    ...(doc.expiration === undefined ? {} : { expiration: doc.expiration }),
    invalidated: doc.invalidated,
    ...(doc.invalidation === undefined ? {} : { invalidation: doc.invalidation }),
    username: doc.username,
    realm: doc.realm.name,
    realm_type: doc.realm.type,
    metadata: doc.metadata,
    role_descriptors: doc.role_descriptors,
    ...(withLimitedBy ? { limited_by: [doc.limited_by] } : {}),
  };
}

export const getApiKeys: Handler = (request, response, context) => {
  const { security, principal } = securityOf(context, response);
  const id = queryString(request, 'id') || undefined;
  const name = queryString(request, 'name') || undefined;
  const owner = queryFlag(request, 'owner');
  let username = queryString(request, 'username') || undefined;
  let realmName = queryString(request, 'realm_name') || undefined;
  const messages: string[] = [];
  if ((id || name) && (username || realmName)) messages.push('username or realm name must not be specified when the api key id or api key name is specified');
  if (owner && (username || realmName)) messages.push('neither username nor realm-name may be specified when retrieving owned API keys');
  if (id && name) messages.push('only one of [api key id, api key name] can be specified');
  if (messages.length > 0) throw actionRequestValidationException(messages);
  if (owner) [username, realmName] = [principal.username, principal.userRealm.name];

  const now = Date.now();
  const activeOnly = queryFlag(request, 'active_only');
  const docs = security.apiKeys
    .find({ id, name, username, realmName }, globMatches)
    .filter((doc) => !activeOnly || (!doc.invalidated && (doc.expiration === undefined || doc.expiration > now)));
  response.json({ api_keys: docs.map((doc) => keyInfo(doc, queryFlag(request, 'with_limited_by'))) });
};

function invalidateValidation(body: InvalidateApiKeysBody): string[] {
  const messages: string[] = [];
  const named = body.ids !== undefined || body.id !== undefined || body.name || body.realm_name || body.username;
  if (!body.owner && !named) messages.push('One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false');
  if (body.id !== undefined && body.ids !== undefined) messages.push('Must use either [id] or [ids], not both at the same time');
  if ((body.id !== undefined || body.ids !== undefined) && body.name) messages.push('only one of [api key id(s), api key name] can be specified');
  if (body.owner && (body.username || body.realm_name)) messages.push('neither username nor realm-name may be specified when invalidating owned API keys');
  if (body.ids?.length === 0) messages.push('Field [ids] cannot be an empty array');
  const blank = (body.ids ?? []).flatMap((value, i) => (value.trim() === '' ? [i] : []));
  if (blank.length > 0) messages.push(`Field [ids] must not contain blank id, but got blank id at index position: [${blank.join(', ')}]`);
  return messages;
}

export const invalidateApiKeys: Handler = (request, response, context) => {
  const { security, principal } = securityOf(context, response);
  const schema = requestBodySchema(context.operations.get('invalidateApiKeys')!)!;
  const body = validatedBody<InvalidateApiKeysBody>(request, context, schema, { parser: 'invalidate_api_key' });
  const messages = invalidateValidation(body);
  if (messages.length > 0) throw actionRequestValidationException(messages);
  const filter = body.owner
    ? { ids: body.ids, id: body.id, name: body.name, username: principal.username, realmName: principal.userRealm.name }
    : { ids: body.ids, id: body.id, name: body.name, username: body.username, realmName: body.realm_name };
  const { invalidated, previously } = security.apiKeys.invalidate(security.apiKeys.find(filter, globMatches));
  if (invalidated.length > 0) context.logger.info({ apiKeyIds: invalidated }, 'api keys invalidated');
  response.json({ invalidated_api_keys: invalidated, previously_invalidated_api_keys: previously, error_count: 0 });
};
