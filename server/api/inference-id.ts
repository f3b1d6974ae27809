/** Inference endpoint id rules (reference §1.4). */
import { actionRequestValidationException } from '../http/errors';

const VALID_ID = /^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$/;

/** Elasticsearch stores an endpoint as the document `model_<id>`, and a document id is at most 512 bytes (reference
 * §1.4: no other length check); checked first so that a huge id costs nothing more. */
const MAX_DOCUMENT_ID_BYTES = 512;

export function checkInferenceId(id: string): void {
  const documentIdBytes = Buffer.byteLength(`model_${id}`, 'utf8');
  if (documentIdBytes > MAX_DOCUMENT_ID_BYTES) {
    throw actionRequestValidationException([
      `id [model_${id}] is too long, must be no longer than ${MAX_DOCUMENT_ID_BYTES} bytes but was: ${documentIdBytes}`,
    ]);
  }
  if (id === '_all' || !VALID_ID.test(id)) {
    throw actionRequestValidationException([
      `Invalid inference_id; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric`,
    ]);
  }
}
