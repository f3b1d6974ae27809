/** GET /_security/_authenticate: the caller, as Elasticsearch describes it. */
import { securityDisabled } from '../security/auth-errors';
import { principalOf } from '../security/principal';
import type { Handler } from './context';

export const authenticate: Handler = (_request, response, context) => {
  const principal = principalOf(response);
  if (!context.security || !principal) throw securityDisabled();
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
