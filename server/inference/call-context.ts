/** What one call to a service carries: the endpoint, its effective task settings and the call's deadline. Sits
 * below the providers: the API builds it, providers and the provider kit read it. */
import { EsError } from '../http/errors';
import type { Settings, StoredEndpoint } from '../store/endpoint-store';
import type { Deadline } from './deadline';

export interface CallContext {
  endpoint: StoredEndpoint;
  /** Stored task settings with the request's merged over them. */
  taskSettings: Settings;
  deadline: Deadline;
}

/** Raised when the client went away: nobody is left to answer. */
export class ClientGoneError extends EsError {
  constructor() {
    super(499, 'task_cancelled_exception', 'The client closed the connection');
  }
}
