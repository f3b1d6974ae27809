/** Text embeddings over OpenAI's embeddings API (or a service's variant of it): inputs in batches of the service's
 * size, vectors in input order, inputs cut to half and sent again when the provider finds them too large. */
import type { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ErrorDetailsParser } from '../kit/error-details';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { openAiStatusPolicy, type StatusPolicy } from '../kit/status-policy';
import { embeddingsResponseSchema } from './schemas';
import { withinTokenLimit } from '../kit/truncation';

type Body = Record<string, unknown>;

/** How a service's answer yields one vector per input, in input order (undefined: the answer does not fit). */
export interface VectorReader<S extends z.ZodTypeAny> {
  schema: S;
  vectors(answer: z.infer<S>, inputCount: number): number[][] | undefined;
}

export interface EmbeddingsWire {
  url(context: CallContext): string;
  /** The most inputs of one upstream request (Elasticsearch's batch size for the service). */
  batchSize: number;
  /** Elasticsearch's name of the request in messages, e.g. `OpenAI embeddings`. */
  requestName: string;
  /** What it says it failed to do when an answer is unreadable, when not `Failed to send <name> request`. */
  failedToSend?(context: CallContext): string;
  body(context: CallContext, input: string[], inputType: string | undefined): Body;
  extraHeaders?(context: CallContext): Record<string, string>;
  reader?: VectorReader<z.ZodTypeAny>;
  policy?: StatusPolicy;
  errorDetails?: ErrorDetailsParser;
  contentType?: string;
}

/** OpenAI's answer: `data[*].embedding`, each with its `index` (OpenAI does not promise the order). */
export const openAiVectors: VectorReader<typeof embeddingsResponseSchema> = {
  schema: embeddingsResponseSchema,
  vectors(answer, inputCount) {
    const ordered = [...answer.data].sort((a, b) => a.index - b.index);
    if (ordered.length !== inputCount || ordered.some((item, i) => item.index !== i)) return undefined;
    return ordered.map((item) => item.embedding);
  },
};

/** Elasticsearch's truncation for a "content too large" answer: every input keeps the first half of its text. */
const halved = (input: string[]) => input.map((text) => text.slice(0, Math.floor(text.length / 2)));

export class OpenAiCompatibleEmbeddings {
  constructor(
    private readonly client: ProviderClient,
    private readonly wire: EmbeddingsWire,
  ) {}

  embed(context: CallContext, input: string[], inputType?: string): Promise<number[][]> {
    return this.client.batches({
      context,
      items: withinTokenLimit(context, input),
      size: this.wire.batchSize,
      kind: this.wire.requestName,
      parameters: inputType,
      send: (shared, batch) => this.embedBatch(shared, batch, inputType),
    });
  }

  private async embedBatch(context: CallContext, input: string[], inputType: string | undefined): Promise<number[][]> {
    const { wire } = this;
    const reader = wire.reader ?? openAiVectors;
    // Each "content too large" answer halves what was sent last, as Elasticsearch truncates the request it sent.
    let sent = input;
    const options: RequestOptions = {
      name: wire.requestName,
      failedToSend: wire.failedToSend?.(context),
      policy: wire.policy ?? openAiStatusPolicy,
      truncated: () => wire.body(context, (sent = halved(sent)), inputType),
      headers: wire.extraHeaders?.(context),
      errorDetails: wire.errorDetails,
      contentType: wire.contentType,
    };
    const answer = await this.client.postJson(context, wire.url(context), wire.body(context, input, inputType), reader.schema, options);
    const vectors = reader.vectors(answer, input.length);
    if (!vectors) throw this.client.unreadable(context, options, `the provider did not return ${input.length} embeddings in input order`);
    return vectors;
  }
}

/** `dimensions` for the body when the user set it: a size learned by the validation call is the model's own, and
 * some models refuse the parameter. */
export function userSetDimensions(context: CallContext): { dimensions?: unknown } {
  return context.endpoint.internal.dimensions_set_by_user ? { dimensions: context.endpoint.serviceSettings.dimensions } : {};
}
