/**
 * Cohere's chat API for `completion`, as Elasticsearch's CohereV1/V2CompletionRequest send it: V1
 * `{"message","model","stream"}` answered with `text` and streamed as one JSON event a line (`event_type`
 * `text-generation`, ..., `stream-end`); V2 `{"messages":[{"role":"user","content"}],"model","stream"}` answered with
 * `message.content[].text` and streamed as server-sent events (`content-delta`, ..., `message-end`).
 */
import { z } from 'zod';
import { badRequest, statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import type { CompletionResult, CompletionStreamEvent } from '../types';
import { cohereErrorDetails, cohereStatusPolicy } from '../cohere-compatible/rerank';
import { apiVersionOf, cohereUrl, modelOf } from './api-version';

const options: RequestOptions = {
  name: 'cohere completion',
  failedToSend: 'Failed to send Cohere completion request',
  policy: cohereStatusPolicy,
  errorDetails: cohereErrorDetails,
  contentType: 'application/json',
};

function chatBody(context: CallContext, input: string[], stream: boolean): Record<string, unknown> {
  if (input.length !== 1) throw badRequest('Cohere completion only accepts 1 input');
  const model = modelOf(context);
  if (apiVersionOf(context) === 'V2') return { messages: [{ role: 'user', content: input[0] }], model, stream };
  return { message: input[0], ...(model === undefined ? {} : { model }), ...(stream ? { stream: true } : {}) };
}

const v1Answer = z.object({ text: z.string() });
const v2Answer = z.object({ message: z.object({ content: z.array(z.object({ text: z.string() }).passthrough()).min(1) }) });
const chatAnswerSchema = z.union([v1Answer, v2Answer]).describe('Failed to find required field [text] in Cohere chat response');

export async function cohereCompletion(client: ProviderClient, context: CallContext, input: string[]): Promise<CompletionResult> {
  const answer = await client.postJson(context, cohereUrl(context, 'chat'), chatBody(context, input, false), chatAnswerSchema, options);
  const result = 'text' in answer ? answer.text : answer.message.content[0].text;
  return { completion: [{ result }] };
}

const eventSchema = z.object({ event_type: z.string().optional(), type: z.string().optional() }).passthrough();
type Event = z.infer<typeof eventSchema>;

const V1_SKIPPED = new Set(['stream-start', 'search-queries-generation', 'search-results', 'citation-generation', 'tool-calls-generation', 'tool-calls-chunk']);

/** CohereStreamingProcessor: a stream ended by an error is the provider's failure, after what it sent. */
function streamEnd(finishReason: unknown, text: unknown): void {
  const message = `Cohere stopped the stream due to an error: ${typeof text === 'string' ? text : ''}`;
  if (finishReason === 'ERROR' || finishReason === 'ERROR_TOXIC') throw statusException(500, message);
  if (finishReason === 'ERROR_LIMIT') throw statusException(429, message);
}

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);

/** The text an event adds, if any. */
function deltaOf(event: Event): string | undefined {
  if (event.event_type !== undefined) {
    if (event.event_type === 'text-generation') {
      if (typeof event.text !== 'string') throw statusException(500, 'Null text found in text-generation cohere event');
      return event.text;
    }
    if (event.event_type === 'stream-end') return void streamEnd(event.finish_reason, field(event, 'response', 'text'));
    if (V1_SKIPPED.has(event.event_type)) return undefined;
    throw statusException(500, `Unknown eventType found: ${event.event_type}`);
  }
  if (event.type === 'content-delta') {
    const text = field(event, 'delta', 'message', 'content', 'text');
    return typeof text === 'string' ? text : undefined;
  }
  if (event.type === 'message-end') streamEnd(field(event, 'delta', 'finish_reason'), field(event, 'delta', 'error'));
  return undefined;
}

export async function* cohereStreamCompletion(client: ProviderClient, context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  const framing = apiVersionOf(context) === 'V2' ? 'sse' : 'lines';
  const events = client.postEventStream(context, cohereUrl(context, 'chat'), chatBody(context, input, true), eventSchema, { ...options, framing });
  for await (const event of events) {
    const delta = deltaOf(event);
    if (delta !== undefined && delta !== '') yield { completion: [{ delta }] };
  }
}
