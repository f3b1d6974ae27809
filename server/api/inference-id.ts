/** Inference endpoint id rules (reference §1.4). */
import { actionRequestValidationException } from '../http/errors';

const VALID_ID = /^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$/;

export function checkInferenceId(id: string): void {
  if (id === '_all' || !VALID_ID.test(id)) {
    throw actionRequestValidationException([
      `Invalid inference_id; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric`,
    ]);
  }
}
