/** GET /_security/_authenticate: the caller, as Elasticsearch describes it. */
import { securityOf } from './api-keys';
import type { Handler } from './context';

export const authenticate: Handler = (_request, response, context) => {
  const { principal } = securityOf(context, response);
  response.json({
    username: principal.username,
    roles: principal.roles,
    full_name: null,
    email: null,
    metadata: principal.metadata,
    enabled: true,
    authentication_realm: principal.authenticationRealm,
    lookup_realm: principal.authenticationRealm,
    authentication_type: principal.apiKey ? 'api_key' : 'realm',
    ...(principal.apiKey ? { api_key: principal.apiKey } : {}),
  });
};
