/** What every part of the typed client shares: the openapi-fetch client over the generated paths, and how a
 * response becomes a result or an InfergateError. */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/openapi';
import { errorFromResponse } from './errors';

export interface InfergateClientOptions {
  /** The server's root URL, e.g. `http://localhost:9200`. */
  baseUrl: string;
  /** Sent with every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** Returns the body of a 2xx answer; throws InfergateError for any other. */
export function unwrap<Result extends { data?: unknown; error?: unknown; response: Response }>({
  data,
  error,
  response,
}: Result): NonNullable<Result['data']> {
  if (!response.ok) throw errorFromResponse(response.status, error);
  return data as NonNullable<Result['data']>;
}

export abstract class ClientBase {
  protected readonly api: Client<paths>;

  constructor({ baseUrl, headers, fetch }: InfergateClientOptions) {
    this.api = createClient<paths>({ baseUrl, headers, fetch });
  }
}
