/**
 * Embeddings by InvokeModel (`POST /model/{model}/invoke`), as Elasticsearch's AmazonBedrockEmbeddingsEntityFactory
 * writes the bodies and AmazonBedrockEmbeddingsResponse reads the answers: Amazon Titan `{"inputText"}` one text a
 * call (with the `dimensions` the user set) answered `{"embedding":[..]}`; Cohere `{"texts","input_type","truncate"}`
 * up to 96 texts a call answered `{"embeddings":[[..],..]}`.
 */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { taskSettings } from '../kit/settings';
import type { TextEmbeddingResult } from '../types';
import { EMBEDDING_BATCH_SIZE, providerOf, runtimeUrl, signerOf } from './endpoint';
import { bedrockErrorDetails, bedrockStatusPolicy } from './errors';
import { withinTokenLimit } from '../kit/truncation';
import { COHERE_REQUEST_INPUT_TYPES, cohereInputTypeName } from '../cohere/input-type';

/** The input types a text_embedding request may give (AmazonBedrockService's VALID_INPUT_TYPE_VALUES): Cohere's. */
export const BEDROCK_INPUT_TYPES = COHERE_REQUEST_INPUT_TYPES;

const vector = numberArray();
const titanAnswer = z.object({ embedding: vector }).describe('Failed to find required field [embedding] in Amazon Bedrock embeddings response');
const cohereAnswer = z.object({ embeddings: z.array(vector) }).describe('Failed to find required field [embeddings] in Amazon Bedrock embeddings response');

function titanBody(context: CallContext, text: string): Record<string, unknown> {
  const { dimensions } = context.endpoint.serviceSettings;
  return context.endpoint.internal.dimensions_set_by_user ? { inputText: text, dimensions } : { inputText: text };
}

function cohereBody(context: CallContext, texts: string[], inputType: string | undefined): Record<string, unknown> {
  const { truncate } = taskSettings<'AmazonBedrockEmbeddingTaskSettings'>(context);
  // AmazonBedrockCohereEmbeddingsRequestEntity.convertToString; an unspecified input type is sent as a document.
  const input_type = cohereInputTypeName(inputType?.toLowerCase()) ?? 'search_document';
  return { texts, input_type, ...(truncate === undefined ? {} : { truncate: truncate.toUpperCase() }) };
}

export async function bedrockEmbeddings(client: ProviderClient, context: CallContext, input: string[], inputType?: string): Promise<TextEmbeddingResult> {
  const provider = providerOf(context);
  const options: RequestOptions = {
    name: 'Amazon Bedrock embeddings',
    failedToSend: 'Failed to send Amazon Bedrock embeddings request',
    policy: bedrockStatusPolicy,
    errorDetails: bedrockErrorDetails,
    contentType: 'application/json',
    sign: signerOf(context),
  };
  const url = runtimeUrl(context, 'invoke');
  const vectors = await client.batches({
    context,
    items: withinTokenLimit(context, input),
    size: EMBEDDING_BATCH_SIZE[provider] ?? 1,
    kind: options.name,
    parameters: inputType,
    async send(shared, batch) {
      if (provider !== 'cohere') return [(await client.postJson(shared, url, titanBody(shared, batch[0]), titanAnswer, options)).embedding];
      const answer = await client.postJson(shared, url, cohereBody(shared, batch, inputType), cohereAnswer, options);
      if (answer.embeddings.length !== batch.length) throw client.unreadable(shared, options, `the provider did not return ${batch.length} embeddings`);
      return answer.embeddings;
    },
  });
  return { text_embedding: vectors.map((embedding) => ({ embedding })) };
}
