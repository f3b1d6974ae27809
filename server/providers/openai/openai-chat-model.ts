/** completion and chat_completion through OpenAI's chat completions API, streamed and not. */
import { EsError, statusException } from '../../http/errors';
import { connectionError } from '../kit/provider-error';
import { redactSecrets } from '../kit/redact';
import { malformed, type CallScope, type ProviderHttp } from '../kit/provider-http';
import { sseData } from '../kit/upstream-sse';
import type {
  CallContext,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  CompletionResult,
  CompletionStreamEvent,
} from '../types';
import type { OpenAiAuth } from './openai-auth';
import { OPENAI_CHAT_URL, endpointUrl, openAiScope, userField } from './openai-call';
import { chatChunkSchema, chatCompletionResponseSchema, openAiErrorDetails, type OpenAiChatChunk } from './openai-schemas';

type Body = Record<string, unknown>;

/** Drops nulls and undefined, keeping the key order given. */
function compact<T extends Record<string, unknown>>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== null && value !== undefined)) as Partial<T>;
}

/** A provider chunk as Elasticsearch emits it: fixed key order, null fields left out (reference §4.3). */
export function toChunk(chunk: OpenAiChatChunk): ChatCompletionChunk {
  return compact({
    id: chunk.id,
    choices: chunk.choices.map((choice) =>
      compact({
        delta: compact({
          content: choice.delta.content,
          refusal: choice.delta.refusal,
          role: choice.delta.role,
          tool_calls: choice.delta.tool_calls?.map((call) =>
            compact({
              index: call.index,
              id: call.id,
              function: call.function ? compact({ arguments: call.function.arguments, name: call.function.name }) : undefined,
              type: call.type,
            }),
          ),
        }),
        finish_reason: choice.finish_reason,
        index: choice.index,
      }),
    ),
    model: chunk.model,
    object: 'chat.completion.chunk',
    usage: chunk.usage ?? undefined,
  }) as ChatCompletionChunk;
}

/** The unified request as OpenAI takes it: fields only the elastic provider understands are left out. */
function chatBody(context: CallContext, request: ChatCompletionRequest, stream: boolean): Body {
  const { reasoning: _reasoning, model, ...rest } = request;
  const messages = request.messages.map(({ reasoning: _r, reasoning_details: _d, ...message }) => message);
  return {
    ...rest,
    messages,
    model: model ?? context.endpoint.serviceSettings.model_id,
    n: 1,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    ...userField(context),
  };
}

export class OpenAiChatModel {
  constructor(
    private readonly http: ProviderHttp,
    private readonly auth: OpenAiAuth,
  ) {}

  async completion(context: CallContext, input: string[]): Promise<CompletionResult> {
    const completion = await this.chat(context, this.completionRequest(input));
    return { completion: [{ result: completion.choices[0]?.message.content ?? '' }] };
  }

  async *streamCompletion(context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
    for await (const chunk of this.streamChunks(context, this.completionRequest(input), false)) {
      const deltas = chunk.choices.map((choice) => choice.delta.content).filter((text): text is string => !!text);
      if (deltas.length > 0) yield { completion: deltas.map((delta) => ({ delta })) };
    }
  }

  async chat(context: CallContext, request: ChatCompletionRequest): Promise<ChatCompletion> {
    const scope = openAiScope(context);
    const json = await this.http.postJson(scope, await this.post(context, scope, chatBody(context, request, false)));
    const parsed = chatCompletionResponseSchema.safeParse(json);
    if (!parsed.success || parsed.data.choices.length === 0) throw malformed(scope, 'expected a chat completion with [choices]');
    const { id, created, model, choices, usage } = parsed.data;
    return compact({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: choices.map((choice) => ({
        index: choice.index,
        message: compact({
          role: choice.message.role,
          content: choice.message.content ?? null,
          refusal: choice.message.refusal,
          tool_calls: choice.message.tool_calls ?? undefined,
        }) as ChatCompletion['choices'][number]['message'],
        finish_reason: choice.finish_reason ?? null,
      })),
      usage: usage ?? undefined,
    }) as ChatCompletion;
  }

  async *streamChat(context: CallContext, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of this.streamChunks(context, request, true)) yield toChunk(chunk);
  }

  private completionRequest(input: string[]): ChatCompletionRequest {
    return { messages: input.map((content) => ({ role: 'user', content })) };
  }

  private async post(context: CallContext, scope: CallScope, body: Body) {
    return { url: endpointUrl(context, OPENAI_CHAT_URL), headers: await this.auth.headers(context, scope), body };
  }

  private async *streamChunks(context: CallContext, request: ChatCompletionRequest, unified: boolean): AsyncGenerator<OpenAiChatChunk> {
    const scope = openAiScope(context);
    const body = chatBody(context, request, true);
    if (!unified) delete body.stream_options;
    const call = await this.post(context, scope, body);
    const response = await this.http.postForStream(scope, call);
    yield* this.readChunks(scope, call.url, response.body);
  }

  /** The provider's chunks; a connection that fails mid-body is the provider's failure (4xx naming the endpoint), not ours. */
  private async *readChunks(scope: CallScope, url: string, body: AsyncIterable<Buffer | string>): AsyncGenerator<OpenAiChatChunk> {
    try {
      yield* this.parseChunks(scope, body);
    } catch (error) {
      if (error instanceof EsError || scope.deadline.signal.aborted) throw error;
      throw connectionError(scope.errors, url, error);
    }
  }

  private async *parseChunks(scope: CallScope, body: AsyncIterable<Buffer | string>): AsyncGenerator<OpenAiChatChunk> {
    for await (const data of sseData(body)) {
      if (data === '[DONE]') return;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        throw malformed(scope, 'a stream event is not valid JSON');
      }
      const error = openAiErrorDetails(json);
      if (error) {
        throw statusException(
          400,
          redactSecrets(
            `Received an error response for request from inference entity id [${scope.inferenceId}]. Error message: [${error.message}]`,
            scope.errors.secrets,
          ),
          { unifiedType: error.type, unifiedCode: error.code },
        );
      }
      const parsed = chatChunkSchema.safeParse(json);
      if (!parsed.success) throw malformed(scope, 'a stream event is not a chat.completion.chunk');
      yield parsed.data;
    }
    throw statusException(400, `The stream from the provider ended before [DONE] for inference entity id [${scope.inferenceId}]`);
  }
}
