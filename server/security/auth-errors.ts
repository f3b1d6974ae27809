/** Elasticsearch's authentication (401) and authorization (403) failures, word for word. */
import { EsError } from '../http/errors';
import type { Principal } from './principal';
import { privilegesThatGrant, type ActionRequest } from './privileges';
import { BUILT_IN_ROLES } from './roles';

/** The challenges an Elasticsearch node without TLS on HTTP sends (no token service, so no `Bearer`). */
export const WWW_AUTHENTICATE = ['Basic realm="security", charset="UTF-8"', 'ApiKey'];

const unauthorized = (reason: string, extra: { metadata?: Record<string, string[]>; causedBy?: EsError } = {}) =>
  new EsError(401, 'security_exception', reason, { ...extra, headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });

export const missingCredentials = (uri: string) => unauthorized(`missing authentication credentials for REST request [${uri}]`);

export const wrongPassword = (username: string, uri: string) => unauthorized(`unable to authenticate user [${username}] for REST request [${uri}]`);

/** A key that did not authenticate; `why` is Elasticsearch's message for it (not found, invalidated, expired...). */
export const apiKeyRefused = (why: string) =>
  unauthorized('unable to authenticate with provided credentials and anonymous access is not allowed for this request', {
    metadata: { additional_unsuccessful_credentials: [`API key: ${why}`] },
  });

export const malformedApiKey = () =>
  unauthorized('error attempting to authenticate request', {
    causedBy: new EsError(400, 'illegal_argument_exception', 'invalid ApiKey value', { javaException: true }),
  });

export const malformedBasic = (reason: string) => unauthorized(reason);

/** Not Elasticsearch's (it has no such limit): after too many failed attempts an address waits. */
export const tooManyFailures = (address: string, retryAfterSeconds: number) =>
  new EsError(429, 'security_exception', `too many failed authentication attempts from [${address}]; retry in [${retryAfterSeconds}s]`, {
    headers: { 'Retry-After': [String(retryAfterSeconds)] },
  });

function rolesDescription(principal: Principal): string {
  if (principal.apiKey) return '';
  const effective = principal.roles.filter((role) => Object.hasOwn(BUILT_IN_ROLES, role)).sort();
  const missing = [...new Set(principal.roles.filter((role) => !Object.hasOwn(BUILT_IN_ROLES, role)))].sort();
  return ` with effective roles [${effective.join(',')}]` + (missing.length > 0 ? ` (assigned roles [${missing.join(',')}] were not found)` : '');
}

export function actionDenied(principal: Principal, action: string, request: ActionRequest = {}): EsError {
  const who = principal.apiKey ? `API key id [${principal.apiKey.id}] of user [${principal.username}]` : `user [${principal.username}]`;
  const granting = privilegesThatGrant(action, request);
  const grantedBy = granting.length > 0 ? `, this action is granted by the cluster privileges [${granting.join(',')}]` : '';
  return new EsError(403, 'security_exception', `action [${action}] is unauthorized for ${who}${rolesDescription(principal)}${grantedBy}`);
}

/** With security off, Elasticsearch's security APIs answer this (a 500 `exception`, odd but so it is). */
export const securityDisabled = () =>
  new EsError(500, 'exception', 'Security must be explicitly enabled when using a [trial] license. Enable security by setting [xpack.security.enabled] to [true] in the elasticsearch.yml file and restart the node.');
