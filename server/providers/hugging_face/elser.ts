/**
 * The `hugging_face_elser` service (reference §8.7): sparse_embedding from ELSER on a Hugging Face Inference
 * Endpoint, at the endpoint's `url` as given (HuggingFaceElserResponseEntity): `{"inputs":[..]}` in, one
 * `{token: weight}` object per input out. Inputs are cut to ELSER's 512 tokens first; an input that was cut (then, or
 * because the endpoint found the request too large) is `is_truncated`.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { ProviderClient, type RequestOptions } from '../kit/provider-client';
import { failedToSendTask } from '../kit/provider-error';
import { serviceSettings } from '../kit/settings';
import type { InferenceProvider, ProviderDependencies, SparseEmbeddingResult } from '../types';
import { huggingFaceErrorDetails, huggingFaceStatusPolicy, JSON_WITHOUT_CHARSET } from './wire';
import { CHARS_PER_TOKEN } from '../kit/truncation';

/** HuggingFaceElserServiceSettings' ELSER_TOKEN_LIMIT, stored as the endpoint's `max_input_tokens`. */
export const ELSER_TOKEN_LIMIT = 512;
/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for the Hugging Face services. */
const BATCH_SIZE = 20;

const expansionsSchema = z
  .array(z.record(z.string(), z.number()))
  .describe('Failed to parse the Hugging Face ELSER response: expected an array of {token: weight} objects');

interface Sent {
  input: string[];
  truncated: boolean[];
}

function cut(input: string[], length: number, already: boolean[] = []): Sent {
  return {
    input: input.map((text) => (text.length > length ? text.slice(0, length) : text)),
    truncated: input.map((text, i) => text.length > length || already[i] === true),
  };
}

const halved = (sent: Sent): Sent => ({
  input: sent.input.map((text) => text.slice(0, Math.floor(text.length / 2))),
  truncated: sent.input.map((text, i) => text.length > 0 || sent.truncated[i]),
});

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'hugging_face_elser', headers: bearerAuth, errorDetails: huggingFaceErrorDetails });

  async function expand(context: CallContext, input: string[]): Promise<SparseEmbeddingResult['sparse_embedding']> {
    let sent = cut(input, ELSER_TOKEN_LIMIT * CHARS_PER_TOKEN);
    const options: RequestOptions = {
      name: 'hugging face elser',
      failedToSend: failedToSendTask('Hugging Face')(context, 'sparse_embedding'),
      policy: huggingFaceStatusPolicy,
      truncated: () => ({ inputs: (sent = halved(sent)).input }),
      contentType: JSON_WITHOUT_CHARSET,
    };
    const url = serviceSettings<'HuggingFaceElserServiceSettings'>(context).url;
    const answer = await client.postJson(context, url, { inputs: sent.input }, expansionsSchema, options);
    if (answer.length !== input.length) throw client.unreadable(context, options, `the provider did not return ${input.length} expansions`);
    return answer.map((embedding, i) => ({ is_truncated: sent.truncated[i], embedding }));
  }

  return {
    async sparseEmbedding(context, { input }) {
      const expansions = await client.batches({ context, items: input, size: BATCH_SIZE, kind: 'hugging face elser', send: expand });
      return { sparse_embedding: expansions };
    },
    // Elasticsearch stores ELSER's token limit with the endpoint.
    prepareEndpoint: async (context) => ({ ...context.endpoint.serviceSettings, max_input_tokens: ELSER_TOKEN_LIMIT }),
  };
}
