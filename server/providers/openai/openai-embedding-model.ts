/** text_embedding through OpenAI's embeddings API. */
import type { ProviderHttp } from '../kit/provider-http';
import { malformed } from '../kit/provider-http';
import type { CallContext, EmbeddingInput, TextEmbeddingResult } from '../types';
import type { OpenAiAuth } from './openai-auth';
import { OPENAI_EMBEDDINGS_URL, endpointUrl, openAiScope, userField } from './openai-call';
import { embeddingsResponseSchema } from './openai-schemas';

/** OpenAI accepts at most this many inputs in one request. */
export const MAX_INPUTS_PER_REQUEST = 2048;

export class OpenAiEmbeddingModel {
  constructor(
    private readonly http: ProviderHttp,
    private readonly auth: OpenAiAuth,
  ) {}

  async embed(context: CallContext, { input }: EmbeddingInput): Promise<TextEmbeddingResult> {
    const batches: string[][] = [];
    for (let start = 0; start < input.length; start += MAX_INPUTS_PER_REQUEST) {
      batches.push(input.slice(start, start + MAX_INPUTS_PER_REQUEST));
    }
    const vectors = await Promise.all(batches.map((batch) => this.embedBatch(context, batch)));
    return { text_embedding: vectors.flat().map((embedding) => ({ embedding })) };
  }

  private async embedBatch(context: CallContext, input: string[]): Promise<number[][]> {
    const scope = openAiScope(context);
    const { serviceSettings, internal } = context.endpoint;
    const body = {
      input,
      model: serviceSettings.model_id,
      ...userField(context),
      // Only a dimension the user asked for goes upstream; a learned one is the model's own default.
      ...(internal.dimensions_set_by_user ? { dimensions: serviceSettings.dimensions } : {}),
    };
    const json = await this.http.postJson(scope, {
      url: endpointUrl(context, OPENAI_EMBEDDINGS_URL),
      headers: await this.auth.headers(context, scope),
      body,
    });
    const parsed = embeddingsResponseSchema.safeParse(json);
    if (!parsed.success) throw malformed(scope, 'expected an embeddings list in [data]');
    const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index);
    if (ordered.length !== input.length || ordered.some((item, i) => item.index !== i)) {
      throw malformed(scope, `expected ${input.length} embeddings indexed 0..${input.length - 1}, got ${ordered.length}`);
    }
    return ordered.map((item) => item.embedding);
  }
}
