/** How Elasticsearch reads Mistral's error bodies (MistralErrorResponseEntity): `message` when it is text, else the
 * first `msg` of a 422's `message.detail`, else `detail`; any other JSON body says so. */
import { z } from 'zod';
import { errorDetailsFrom } from '../kit/error-details';

const mistralErrorBody = z.object({
  message: z.union([z.string(), z.object({ detail: z.array(z.object({ msg: z.string() })).min(1) }), z.unknown()]).optional(),
  detail: z.unknown().optional(),
});

export const mistralErrorDetails = errorDetailsFrom(mistralErrorBody, ({ message, detail }) => {
  if (typeof message === 'string') return { message };
  const validation = message as { detail?: Array<{ msg: string }> } | undefined;
  if (validation?.detail?.[0]) return { message: validation.detail[0].msg };
  return { message: typeof detail === 'string' ? detail : 'Unknown error response format' };
});
