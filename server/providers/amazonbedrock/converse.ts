/**
 * Bedrock's Converse and ConverseStream APIs, as the AWS SDK puts Elasticsearch's ConverseRequest on the wire:
 * `{"messages":[{"role":"user","content":[{"text"}]}],"inferenceConfig":{"maxTokens","temperature","topP"},
 * "additionalModelRequestFields":{"top_k"}}` (the SDK writes members in its model's order and leaves unset ones
 * out). The answer is read as AmazonBedrockChatCompletionResponse reads it (one result a text block of the output
 * message), the stream as the SDK gives its events (kit/aws/event-stream.ts).
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { awsJsonEvents } from '../kit/aws/event-stream';
import { keyedUnion } from '../kit/chosen-union';
import type { EventStreamOptions, ProviderClient, RequestOptions } from '../kit/provider-client';
import { runtimeUrl, signerOf } from './endpoint';
import { bedrockErrorDetails, bedrockStatusPolicy, bedrockStreamError } from './errors';

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** Drops the members left unset, as the SDK's serializer does. */
export function present<T extends Record<string, unknown>>(members: T): Partial<T> {
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The `inferenceConfig` member, absent when nothing in it is set (AmazonBedrockConverseUtils.inferenceConfig). */
export function inferenceConfig(config: InferenceConfig): { inferenceConfig?: Partial<InferenceConfig> } {
  const set = present({ maxTokens: config.maxTokens, temperature: config.temperature, topP: config.topP, stopSequences: config.stopSequences });
  return Object.keys(set).length === 0 ? {} : { inferenceConfig: set };
}

const contentBlock = z.object({ text: z.string().optional() }).passthrough();
export const converseAnswer = z
  .object({
    output: z.object({ message: z.object({ role: z.string().optional(), content: z.array(contentBlock) }).passthrough() }),
    stopReason: z.string().optional(),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), totalTokens: z.number() }).partial().passthrough().optional(),
  })
  .passthrough()
  .describe('Failed to find required field [output.message.content] in Amazon Bedrock converse response');

const eventOf = <K extends string, T extends z.ZodTypeAny>(name: K, payload: T) => z.object({ [name]: payload } as Record<K, T>).strict();

/** The events of a ConverseStream, told apart by their key; an exception message fits none and is read by
 * bedrockStreamError. */
export const converseStreamEvent = keyedUnion([
  eventOf('messageStart', z.object({ role: z.string() }).passthrough()),
  eventOf(
    'contentBlockStart',
    z.object({ contentBlockIndex: z.number(), start: z.object({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).passthrough().optional() }).passthrough() }).passthrough(),
  ),
  eventOf(
    'contentBlockDelta',
    z
      .object({
        contentBlockIndex: z.number(),
        delta: z.object({ text: z.string().optional(), toolUse: z.object({ input: z.string() }).passthrough().optional() }).passthrough(),
      })
      .passthrough(),
  ),
  eventOf('contentBlockStop', z.object({ contentBlockIndex: z.number() }).passthrough()),
  eventOf('messageStop', z.object({ stopReason: z.string() }).passthrough()),
  eventOf('metadata', z.object({ usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), totalTokens: z.number() }).partial().passthrough().optional() }).passthrough()),
]);
export type ConverseStreamEvent = z.infer<typeof converseStreamEvent>;

const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
};

/** Bedrock's stop reason in OpenAI's words (an unknown one as it is). */
export const openAiFinishReason = (stopReason: string) => FINISH_REASONS[stopReason] ?? stopReason;

function options(context: CallContext, name: string): RequestOptions {
  return {
    name,
    failedToSend: `Failed to send ${name} request`,
    policy: bedrockStatusPolicy,
    errorDetails: bedrockErrorDetails,
    contentType: 'application/json',
    sign: signerOf(context),
  };
}

export function converse(client: ProviderClient, context: CallContext, body: Record<string, unknown>, name: string) {
  return client.postJson(context, runtimeUrl(context, 'converse'), body, converseAnswer, options(context, name));
}

export function converseStream(client: ProviderClient, context: CallContext, body: Record<string, unknown>, name: string): AsyncGenerator<ConverseStreamEvent> {
  const streamOptions: EventStreamOptions = {
    ...options(context, name),
    headers: { accept: 'application/vnd.amazon.eventstream' },
    framing: awsJsonEvents,
    streamError: bedrockStreamError,
  };
  return client.postEventStream(context, runtimeUrl(context, 'converse-stream'), body, converseStreamEvent, streamOptions);
}
