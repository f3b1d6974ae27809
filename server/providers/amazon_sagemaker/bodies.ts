/**
 * The request bodies of each api, field for field as Elasticsearch's payload classes write them: `openai`
 * (OpenAiTextEmbeddingPayload, OpenAiCompletionPayload) and `elastic` (ElasticPayload, ElasticRerankPayload,
 * ElasticCompletionPayload). A single input is sent as a string, several as a list.
 */
import type { CallContext } from '../../inference/call-context';
import { chatBody, completionRequest } from '../openai-compatible/chat-body';
import type { ChatCompletionRequest, RerankInput } from '../types';
import { COMMON_TASK_SETTINGS, settingsOf, taskSettingsOf } from './settings';

type Body = Record<string, unknown>;

const oneOrMany = (input: string[]): string | string[] => (input.length === 1 ? input[0] : input);

/** The request's task settings the `elastic` api passes through: all but the ones sent as headers. */
function passthrough(context: CallContext): Body | undefined {
  const rest = Object.fromEntries(Object.entries(taskSettingsOf(context)).filter(([key]) => !(COMMON_TASK_SETTINGS as readonly string[]).includes(key)));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** Elasticsearch's input types as the elastic api names them: its internal ones as their public ones. */
function elasticInputType(inputType: string | undefined): string | undefined {
  if (inputType === undefined || inputType === 'unspecified') return undefined;
  if (inputType === 'internal_ingest') return 'ingest';
  if (inputType === 'internal_search') return 'search';
  return inputType;
}

const defined = (entries: Array<[string, unknown]>): Body => Object.fromEntries(entries.filter(([, value]) => value !== undefined));

/** ElasticPayload.requestBytes: text_embedding, sparse_embedding and completion. */
export function elasticBody(context: CallContext, input: string[], inputType?: string): Body {
  return defined([
    ['input', oneOrMany(input)],
    ['input_type', elasticInputType(inputType)],
    ['task_settings', passthrough(context)],
  ]);
}

export function elasticRerankBody(context: CallContext, { input, query, returnDocuments, topN }: RerankInput): Body {
  return defined([
    ['input', oneOrMany(input)],
    ['query', query],
    ['return_documents', returnDocuments],
    ['top_n', topN],
    ['task_settings', passthrough(context)],
  ]);
}

/** OpenAiTextEmbeddingPayload: `dimensions` whenever the endpoint has them (a stored endpoint's are the user's to
 * Elasticsearch: it reads them back as set by the user). */
export function openAiEmbeddingBody(context: CallContext, input: string[]): Body {
  const { dimensions } = settingsOf(context);
  return defined([
    ['input', oneOrMany(input)],
    ['user', taskSettingsOf(context).user ?? undefined],
    ['dimensions', dimensions],
  ]);
}

/** UnifiedChatCompletionRequestEntity without Elasticsearch's token limit, which OpenAiCompletionPayload writes last,
 * after `user`. */
function openAiChat(context: CallContext, request: ChatCompletionRequest, stream: boolean): Body {
  const { max_completion_tokens: limit, ...rest } = request;
  const { user } = taskSettingsOf(context);
  return defined([
    ...Object.entries(chatBody(rest, undefined, stream, { tokenLimitField: 'max_completion_tokens', streamOptions: true })),
    ['user', user ? user : undefined],
    ['max_completion_tokens', limit ?? undefined],
  ]);
}

/** A completion: each input a user message (UnifiedChatInput). */
export function openAiCompletionBody(context: CallContext, input: string[], stream: boolean): Body {
  const messages = input.flatMap((text) => completionRequest(text).messages);
  return openAiChat(context, { messages }, stream);
}

export const openAiChatBody = (context: CallContext, request: ChatCompletionRequest): Body => openAiChat(context, request, true);

/** ElasticCompletionPayload.chatCompletionRequestBytes: the unified request itself, its token limit included. */
export function elasticChatBody(request: ChatCompletionRequest): Body {
  const { n: _n, stream: _stream, stream_options: _options, ...body } = chatBody(request, undefined, false, {
    tokenLimitField: 'max_completion_tokens',
    streamOptions: false,
  });
  return body;
}
