/**
 * `completion` on the Messages API, as Elasticsearch's AnthropicChatCompletionRequestEntity sends it
 * (`{"messages":[{"role":"user","content"}],"model","max_tokens","temperature","top_p","top_k","stream":true}`), reads
 * the answer (AnthropicChatCompletionResponseEntity: every `text` block of `content`) and the stream
 * (AnthropicStreamingProcessor: the text of `content_block_start` and `content_block_delta` events).
 */
import { z } from 'zod';
import { EsError, badRequest, statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { redactSecrets } from '../kit/redact';
import { serviceSettings } from '../kit/settings';
import type { CompletionResult, CompletionStreamEvent } from '../types';
import { anthropicTaskSettings } from './task-settings';
import { CONTENT_TYPE, MESSAGES_URL, anthropicStatusPolicy, completionErrorDetails } from './wire';

const REQUEST_NAME = 'Anthropic chat completions';
export const FAILED_TO_FIND_FIELD = (field: string) => `Failed to find required field [${field}] in Anthropic chat completions response`;

const options: RequestOptions = {
  name: REQUEST_NAME,
  policy: anthropicStatusPolicy,
  errorDetails: completionErrorDetails,
  contentType: CONTENT_TYPE,
};

const optional = (name: string, value: unknown) => (value === undefined || value === null ? {} : { [name]: value });

function completionBody(context: CallContext, input: string[], stream: boolean): Record<string, unknown> {
  // SingleInputSenderExecutableAction: one input a call.
  if (input.length !== 1) throw badRequest(`${REQUEST_NAME} only accepts 1 input`);
  const { max_tokens, temperature, top_p, top_k } = anthropicTaskSettings(context);
  return {
    messages: input.map((content) => ({ role: 'user', content })),
    model: serviceSettings<'AnthropicServiceSettings'>(context).model_id,
    max_tokens,
    ...optional('temperature', temperature),
    ...optional('top_p', top_p),
    ...optional('top_k', top_k),
    ...(stream ? { stream: true } : {}),
  };
}

const block = z.object({ type: z.unknown().optional(), text: z.unknown().optional() }).passthrough();
const answerSchema = z.object({ content: z.array(block) }).describe(FAILED_TO_FIND_FIELD('content'));

export async function anthropicCompletion(client: ProviderClient, context: CallContext, input: string[]): Promise<CompletionResult> {
  const answer = await client.postJson(context, MESSAGES_URL, completionBody(context, input, false), answerSchema, options);
  // tool_use (and any other) blocks are left out, as Elasticsearch leaves them.
  const texts = answer.content.filter((entry) => entry.type === 'text' && typeof entry.text === 'string');
  return { completion: texts.map((entry) => ({ result: entry.text as string })) };
}

/** Anthropic's error types as AnthropicStreamingProcessor gives them a status; anything else is a 500. */
const STREAM_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
};

const eventSchema = z.record(z.unknown());
type Event = z.infer<typeof eventSchema>;

const field = (value: unknown, key: string): unknown => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);

function requiredString(value: unknown, key: string): string {
  const found = field(value, key);
  if (typeof found !== 'string') throw new EsError(500, 'illegal_state_exception', FAILED_TO_FIND_FIELD(key));
  return found;
}

/** The text an event adds (whitespace-only text is dropped, as Elasticsearch's `isBlank` check drops it). */
function textOf(context: CallContext, event: Event): string | undefined {
  switch (requiredString(event, 'type')) {
    case 'error': {
      const error = field(event, 'error');
      const message = redactSecrets(requiredString(error, 'message'), context.endpoint.secrets);
      throw statusException(STREAM_ERROR_STATUS[requiredString(error, 'type')] ?? 500, message);
    }
    case 'content_block_start':
      return requiredString(field(event, 'content_block'), 'text');
    case 'content_block_delta':
      return requiredString(field(event, 'delta'), 'text');
    default:
      // message_start, message_delta, message_stop, content_block_stop, ping and events Anthropic may add.
      return undefined;
  }
}

export async function* anthropicStreamCompletion(client: ProviderClient, context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  const events = client.postEventStream(context, MESSAGES_URL, completionBody(context, input, true), eventSchema, options);
  for await (const event of events) {
    const text = textOf(context, event);
    if (text !== undefined && text.trim() !== '') yield { completion: [{ delta: text }] };
  }
}
