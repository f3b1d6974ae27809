/**
 * Anthropic's Claude on Model Garden (`:rawPredict` / `:streamRawPredict`): the body Elasticsearch's
 * GoogleModelGardenAnthropicChatCompletionRequestEntity writes — `anthropic_version` `vertex-2023-10-16`, the unified
 * messages as they are, temperature, tool_choice and tools in Anthropic's terms, top_p, stream, `max_tokens` (the
 * request's, the task settings', else 1024) — and Anthropic's Messages answers: `content[].text`, and its stream of
 * `message_start`, `content_block_start|delta`, `message_delta` events read into OpenAI chunks.
 */
import { z } from 'zod';
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { errorDetailsFrom } from '../kit/error-details';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { streamedProviderError } from '../kit/provider-error';
import { openAiChatStatusPolicy } from '../kit/status-policy';
import { taskSettings } from '../kit/settings';
import { AnthropicChunks, UnreadableEvent } from '../anthropic/chat-stream';
import type { ChatCompletionChunk, ChatCompletionRequest, CompletionResult, CompletionStreamEvent } from '../types';

const DEFAULT_MAX_TOKENS = 1024;
const TOOL_CHOICES: Readonly<Record<string, string>> = { none: 'none', auto: 'auto', required: 'any' };

/** Anthropic's error bodies: `{"type":"error","error":{"type","message"}}`. */
const anthropicErrorDetails = errorDetailsFrom(z.object({ error: z.object({ type: z.string().optional(), message: z.string().optional() }) }), ({ error }) => ({
  message: error.message,
  type: error.type,
}));

const options = (name: string): RequestOptions => ({ name, policy: openAiChatStatusPolicy, errorDetails: anthropicErrorDetails });

function toolChoice(choice: ChatCompletionRequest['tool_choice']): unknown {
  if (choice === undefined) return undefined;
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name };
  const type = TOOL_CHOICES[choice];
  if (!type) throw badRequest(`Unsupported tool_choice value [${choice}] for the Google Model Garden Anthropic chat completion API.`);
  return { type };
}

export function anthropicBody(context: CallContext, request: ChatCompletionRequest, stream: boolean): Record<string, unknown> {
  const stored = taskSettings<'GoogleVertexAiChatTaskSettings'>(context).max_tokens;
  const body: Record<string, unknown> = { anthropic_version: 'vertex-2023-10-16', messages: request.messages };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  const choice = toolChoice(request.tool_choice);
  if (choice !== undefined) body.tool_choice = choice;
  if (request.tools?.length) {
    body.tools = request.tools.map(({ function: fn }) => ({
      name: fn.name,
      description: fn.description,
      ...(fn.parameters && Object.keys(fn.parameters).length > 0 ? { input_schema: fn.parameters } : {}),
    }));
  }
  if (request.top_p !== undefined) body.top_p = request.top_p;
  body.stream = stream;
  body.max_tokens = request.max_completion_tokens ?? stored ?? DEFAULT_MAX_TOKENS;
  return body;
}

const messageSchema = z
  .object({ content: z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()) })
  .describe('Failed to find required field [content] in Anthropic chat completions response');

const eventSchema = z.record(z.unknown());

export async function anthropicCompletion(client: ProviderClient, context: CallContext, url: string, input: string[]): Promise<CompletionResult> {
  const request: ChatCompletionRequest = { messages: input.map((content) => ({ role: 'user', content })) };
  const answer = await client.postJson(context, url, anthropicBody(context, request, false), messageSchema, options('Google Model Garden Anthropic completion'));
  return { completion: answer.content.filter((block) => block.text !== undefined).map((block) => ({ result: block.text! })) };
}

export async function* anthropicStreamChat(client: ProviderClient, context: CallContext, url: string, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
  // Anthropic's own stream, read by the anthropic service's processor (as Elasticsearch reuses its processor).
  const reader = new AnthropicChunks();
  const events = client.postEventStream(context, url, anthropicBody(context, request, true), eventSchema, {
    ...options('Google Model Garden Anthropic chat completion'),
    streamError: anthropicErrorDetails,
  });
  for await (const event of events) {
    // Anthropic's in-stream error event is the provider's failure, as the kit reports one.
    if (event.type === 'error') throw streamedProviderError(anthropicErrorDetails(event, ''), client.scope(context).errors);
    let chunks: ChatCompletionChunk[];
    try {
      chunks = reader.read(event);
    } catch (error) {
      if (!(error instanceof UnreadableEvent)) throw error;
      throw streamedProviderError({ message: JSON.stringify(event) }, client.scope(context).errors);
    }
    yield* chunks;
  }
}

export async function* anthropicStreamCompletion(client: ProviderClient, context: CallContext, url: string, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  const request: ChatCompletionRequest = { messages: input.map((content) => ({ role: 'user', content })) };
  for await (const chunk of anthropicStreamChat(client, context, url, request)) {
    const text = chunk.choices[0]?.delta.content;
    if (text) yield { completion: [{ delta: text }] };
  }
}
