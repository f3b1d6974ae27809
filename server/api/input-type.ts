/** A request's `input_type` against what the endpoint's service takes (Elasticsearch's validateInputType, run before
 * the call; its errors are validation errors). `unspecified` is always allowed. */
import { validationException } from '../http/errors';
import type { InferenceProvider } from '../providers/types';

export function checkInputType(provider: InferenceProvider, inputType: string | undefined): void {
  const rule = provider.inputTypes;
  const given = inputType?.toLowerCase();
  if (!rule || given === undefined || given === 'unspecified') return;
  if (rule.kind === 'internal-only') {
    throw validationException([`Invalid input_type [${given}]. The input_type option is not supported by this service`]);
  }
  if (!rule.values.includes(given)) throw validationException([`Input type [${given}] is not supported for [${rule.serviceName}]`]);
}
