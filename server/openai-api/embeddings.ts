/** POST /v1/embeddings: OpenAI's embeddings API over a text_embedding endpoint. */
import { callContext, runCall } from '../inference/call';
import { currentRequestScope } from '../observability/request-scope';
import type { TextEmbeddingResult } from '../providers/types';
import { callTimeout, clientGoneSignal, type Handler } from '../api/context';
import type { components } from '../../generated/openapi';
import { invalidRequest, modelEndpoint, openAiBody } from './openai-request';

type EmbeddingsRequest = components['schemas']['OpenAiEmbeddingsRequest'];
type EmbeddingsResponse = components['schemas']['OpenAiEmbeddingsResponse'];

/** The vectors of any of Elasticsearch's embedding types (bytes and bits as their integer values). */
const vectorsOf = (result: TextEmbeddingResult): number[][] =>
  (result.text_embedding ?? result.text_embedding_bytes ?? result.text_embedding_bits ?? []).map((entry) => entry.embedding);

/** OpenAI's base64 encoding: the vector's float32 values, little-endian. */
function base64Of(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

export const openAiEmbeddings: Handler = async (request, response, context) => {
  const body = openAiBody<EmbeddingsRequest>(request, context, 'openAiEmbeddings');
  const endpoint = modelEndpoint(context, body.model, ['text_embedding'], '/v1/embeddings');
  const dimensions = endpoint.serviceSettings.dimensions;
  if (body.dimensions !== undefined && body.dimensions !== dimensions) {
    throw invalidRequest(400, `The model \`${body.model}\` makes vectors of ${dimensions ?? 'its own'} dimensions, not ${body.dimensions}.`, 'dimensions');
  }
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  const provider = context.providers.get(endpoint.service);
  const call = callContext(endpoint, endpoint.taskSettings, callTimeout(request, context, 'text_embedding'), clientGoneSignal(response));
  const result = await runCall(call, () => provider.textEmbedding!(call, { input }));
  const base64 = body.encoding_format === 'base64';
  const tokens = currentRequestScope()?.inputTokens ?? 0;
  const answer: EmbeddingsResponse = {
    object: 'list',
    data: vectorsOf(result).map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? base64Of(vector) : vector })),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  response.json(answer);
};
