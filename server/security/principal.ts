/** Who is making a request, once authentication has run. With security off there is no principal. */
import type { Response } from 'express';

export interface Principal {
  /** The user name Elasticsearch would report (`elastic`, a file-realm user, or the owner of an API key). */
  username: string;
}

export function principalOf(response: Response): Principal | undefined {
  return response.locals.principal as Principal | undefined;
}

export function setPrincipal(response: Response, principal: Principal): void {
  response.locals.principal = principal;
}
