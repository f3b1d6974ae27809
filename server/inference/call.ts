/** Runs one provider call within its deadline and turns whatever it throws into an EsError. */
import { EsError, toEsError } from '../http/errors';
import type { TimeValue } from '../http/time-value';
import { ClientGoneError, type CallContext } from './call-context';
import type { Settings, StoredEndpoint } from '../store/endpoint-store';
import { Deadline } from './deadline';
import { noteEndpoint } from '../observability/request-scope';

export function callContext(endpoint: StoredEndpoint, taskSettings: Settings, timeout: TimeValue, clientGone?: AbortSignal): CallContext {
  noteEndpoint(endpoint);
  return { endpoint, taskSettings, deadline: new Deadline(timeout, clientGone) };
}

export function callError(error: unknown, deadline: Deadline): EsError {
  if (error instanceof EsError) return error;
  if (deadline.timedOut) return deadline.timeoutError();
  if (deadline.signal.aborted) return new ClientGoneError();
  return toEsError(error);
}

export async function runCall<T>(context: CallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw callError(error, context.deadline);
  } finally {
    context.deadline.dispose();
  }
}
