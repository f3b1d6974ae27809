/** completion and chat_completion over OpenAI's chat completions API, streamed and not, for every service on its
 * wire; a service says where, with which body fields, and how its errors read. */
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { ErrorDetailsParser } from '../kit/error-details';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { openAiChatStatusPolicy, type StatusPolicy } from '../kit/status-policy';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, CompletionResult, CompletionStreamEvent } from '../types';
import { chatBody, completionRequest, type ChatBodyOptions } from './chat-body';
import { completionDeltas, toChatCompletion, toChunk } from './chat-results';
import { chatChunkSchema, chatCompletionResponseSchema, type Usage } from './schemas';
import { noteTokenUsage } from '../../observability/request-scope';

type Body = Record<string, unknown>;

interface ErrorReading {
  errorDetails?: ErrorDetailsParser;
  unifiedErrorType?: string;
}

export interface ChatWire extends ChatBodyOptions {
  url(context: CallContext): string;
  /** Where streamed requests go, when not to `url` (watsonx.ai's `chat_stream`). */
  streamUrl?(context: CallContext): string;
  /** The model the body names when the request names none (undefined: no `model` field). */
  model(context: CallContext): string | undefined;
  /** Fields after Elasticsearch's own, e.g. OpenAI's `user`. */
  extraFields?(context: CallContext): Body;
  /** Fields before Elasticsearch's own, e.g. watsonx.ai's `project_id`. */
  leadingFields?(context: CallContext): Body;
  /** Per-call headers beside the service's (OpenAI's `headers` task setting). */
  extraHeaders?(context: CallContext): Record<string, string>;
  /** Elasticsearch's name of the request in messages, e.g. `OpenAI chat completions`. */
  requestName: string;
  /** Its name for the unified chat request, when not the same. */
  chatRequestName?: string;
  /** What it says it failed to do when an answer is unreadable, when not `Failed to send <name> request`. */
  failedToSend?(context: CallContext, taskType: 'completion' | 'chat_completion'): string;
  /** Whether a completion takes exactly one input (Elasticsearch's SingleInputSenderExecutableAction; default true);
   * otherwise every input is a user message of one conversation. */
  singleInput?: boolean;
  /** The request's content type when not Elasticsearch's default (`application/json; charset=UTF-8`). */
  contentType?: string;
  /** A completion body of the service's own, when it is not the unified one (Azure's). */
  completionBody?(context: CallContext, input: string, stream: boolean): Body;
  /** The status policy of the completion routes, when not the chat handlers' (Azure's completion handler). */
  completionPolicy?: StatusPolicy;
  /** How errors read on the completion routes and on the unified chat route, when not the service's default. */
  completionErrors?: ErrorReading;
  chatErrors?: ErrorReading;
}

/** The provider's token counts, for the metrics (a chat's are noted where its answer is relayed). */
function noteUsage(usage: Usage | null | undefined): void {
  if (usage) noteTokenUsage({ input: usage.prompt_tokens, output: usage.completion_tokens });
}

export class OpenAiCompatibleChat {
  constructor(
    private readonly client: ProviderClient,
    private readonly wire: ChatWire,
  ) {}

  async completion(context: CallContext, input: string[]): Promise<CompletionResult> {
    const body = this.completionBodyOf(context, input, false);
    const response = await this.client.postJson(context, this.wire.url(context), body, chatCompletionResponseSchema, this.options(context, 'completion'));
    noteUsage(response.usage);
    return { completion: [{ result: response.choices[0].message.content ?? '' }] };
  }

  async *streamCompletion(context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
    const body = this.completionBodyOf(context, input, true);
    const chunks = this.client.postEventStream(context, this.streamUrl(context), body, chatChunkSchema, { ...this.options(context, 'completion'), doneData: '[DONE]' });
    for await (const chunk of chunks) {
      noteUsage(chunk.usage);
      const deltas = completionDeltas(chunk);
      if (deltas.length > 0) yield { completion: deltas };
    }
  }

  async chat(context: CallContext, request: ChatCompletionRequest): Promise<ChatCompletion> {
    const body = this.body(context, request, false);
    return toChatCompletion(await this.client.postJson(context, this.wire.url(context), body, chatCompletionResponseSchema, this.options(context, 'chat')));
  }

  async *streamChat(context: CallContext, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of this.stream(context, request, 'chat')) yield toChunk(chunk);
  }

  private single(input: string[]): ChatCompletionRequest {
    if (this.wire.singleInput === false) return { messages: input.map((content) => completionRequest(content).messages[0]) };
    if (input.length !== 1) throw badRequest(`${this.wire.requestName} only accepts 1 input`);
    return completionRequest(input[0]);
  }

  private completionBodyOf(context: CallContext, input: string[], stream: boolean): Body {
    const request = this.single(input);
    return this.wire.completionBody ? this.wire.completionBody(context, input[0], stream) : this.body(context, request, stream);
  }

  private stream(context: CallContext, request: ChatCompletionRequest, route: 'completion' | 'chat') {
    const body = this.body(context, request, true);
    return this.client.postEventStream(context, this.streamUrl(context), body, chatChunkSchema, { ...this.options(context, route), doneData: '[DONE]' });
  }

  private streamUrl(context: CallContext): string {
    return this.wire.streamUrl ? this.wire.streamUrl(context) : this.wire.url(context);
  }

  private body(context: CallContext, request: ChatCompletionRequest, stream: boolean): Body {
    const body = { ...this.wire.leadingFields?.(context), ...chatBody(request, this.wire.model(context), stream, this.wire) };
    return this.wire.extraFields ? { ...body, ...this.wire.extraFields(context) } : body;
  }

  private options(context: CallContext, route: 'completion' | 'chat'): RequestOptions {
    const { wire } = this;
    const errors = route === 'chat' ? wire.chatErrors : wire.completionErrors;
    const name = route === 'chat' ? (wire.chatRequestName ?? wire.requestName) : wire.requestName;
    return {
      name,
      failedToSend: wire.failedToSend?.(context, route === 'chat' ? 'chat_completion' : 'completion'),
      policy: (route === 'completion' && wire.completionPolicy) || openAiChatStatusPolicy,
      headers: wire.extraHeaders?.(context),
      contentType: wire.contentType,
      ...errors,
    };
  }
}
