/**
 * Jina AI's embeddings API as JinaAIEmbeddingsRequestEntity writes it and JinaAIEmbeddingsResponseEntity reads it:
 * `{"input","model","embedding_type","task"?,"late_chunking"?,"dimensions"?}` in — `input` plain strings, or
 * `{"text"}` / `{"image"}` objects for a multimodal model — and `data[*].embedding` out, in order, floats or (binary)
 * packed signed bytes.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings, taskSettings } from '../kit/settings';
import { userSetDimensions } from '../openai-compatible/embedding-model';
import type { EmbeddingItem } from '../types';
import { EMBEDDINGS_URL, JSON_WITHOUT_CHARSET, jinaErrorDetails, jinaStatusPolicy } from './wire';

/** JinaAIServiceFields.EMBEDDING_MAX_BATCH_SIZE. */
const BATCH_SIZE = 2048;
/** Late chunking models take about 8000 tokens: Elasticsearch turns it off above this many words. */
const MAX_WORDS_FOR_LATE_CHUNKING = 5500;
/** jina-clip-v2 takes no `task` but `retrieval.query`. */
const CLIP_V2 = 'jina-clip-v2';

const TASKS: Readonly<Record<string, string>> = {
  ingest: 'retrieval.passage',
  internal_ingest: 'retrieval.passage',
  search: 'retrieval.query',
  internal_search: 'retrieval.query',
  classification: 'classification',
  clustering: 'separation',
};

export type JinaVectorKind = 'float' | 'bit';

type Settings = { model_id: string; embedding_type?: string; multimodal_model?: boolean };
const settings = (context: CallContext) => serviceSettings<'JinaAiEmbeddingServiceSettings'>(context) as Settings;

export const vectorKind = (context: CallContext): JinaVectorKind => ((settings(context).embedding_type ?? 'float') === 'float' ? 'float' : 'bit');
/** Only the `embedding` task's settings say multimodal (default true); text_embedding endpoints never are. */
export const isMultimodal = (context: CallContext) => context.endpoint.taskType === 'embedding' && settings(context).multimodal_model !== false;

function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

function task(context: CallContext, requested: string | undefined): { task?: string } {
  const stored = taskSettings<'JinaAiEmbeddingTaskSettings'>(context).input_type;
  const inputType = requested && requested !== 'unspecified' ? requested : stored;
  if (!inputType || !TASKS[inputType]) return {};
  if (settings(context).model_id.toLowerCase() === CLIP_V2 && TASKS[inputType] !== 'retrieval.query') return {};
  return { task: TASKS[inputType] };
}

function lateChunking(context: CallContext, items: EmbeddingItem[]): { late_chunking?: boolean } {
  const requested = taskSettings<'JinaAiEmbeddingTaskSettings'>(context).late_chunking;
  if (requested === undefined) return {};
  const textOnly = items.every((item) => item.type === 'text');
  const words = items.reduce((sum, item) => sum + (item.type === 'text' ? countWords(item.value) : 0), 0);
  return { late_chunking: requested && textOnly && words <= MAX_WORDS_FOR_LATE_CHUNKING };
}

function body(context: CallContext, items: EmbeddingItem[], inputType: string | undefined): Record<string, unknown> {
  const input = isMultimodal(context) ? items.map((item) => (item.type === 'text' ? { text: item.value } : { image: item.value })) : items.map((item) => item.value);
  return {
    input,
    model: settings(context).model_id,
    embedding_type: vectorKind(context) === 'float' ? 'float' : 'binary',
    ...task(context, inputType),
    ...lateChunking(context, items),
    ...userSetDimensions(context),
  };
}

const BYTE = z.number().int().min(-128).max(127);
const answerSchema = (numbers: z.ZodNumber) =>
  z.object({ data: z.array(z.object({ embedding: z.array(numbers) })) }).describe('Failed to find required field [data] in JinaAI embeddings response');
const SCHEMAS: Record<JinaVectorKind, z.ZodTypeAny> = { float: answerSchema(z.number()), bit: answerSchema(BYTE) };

/** One vector per item, in input order, in batches of Elasticsearch's size for Jina. */
export function jinaEmbed(client: ProviderClient, context: CallContext, items: EmbeddingItem[], inputType: string | undefined): Promise<number[][]> {
  const options = {
    name: 'jinaai text embedding',
    failedToSend: 'Failed to send JinaAI embeddings request',
    policy: jinaStatusPolicy,
    errorDetails: jinaErrorDetails,
    contentType: JSON_WITHOUT_CHARSET,
  };
  const embedBatch = async (shared: CallContext, batch: EmbeddingItem[]): Promise<number[][]> => {
    const answer = (await client.postJson(shared, EMBEDDINGS_URL, body(shared, batch, inputType), SCHEMAS[vectorKind(shared)], options)) as {
      data: Array<{ embedding: number[] }>;
    };
    if (answer.data.length !== batch.length) throw client.unreadable(shared, options, `the provider did not return ${batch.length} embeddings`);
    return answer.data.map((item) => item.embedding);
  };
  return client.batches({ context, items, size: BATCH_SIZE, kind: options.name, parameters: inputType, send: embedBatch });
}
