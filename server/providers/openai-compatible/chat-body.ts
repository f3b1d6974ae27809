/**
 * The unified chat request as the services on OpenAI's wire receive it, in Elasticsearch's field order (its
 * UnifiedCompletionRequest serialisation): the request's fields, the token limit, `model`, `n: 1`, `stream`, and
 * what each service adds or leaves out.
 */
import type { ChatCompletionRequest } from '../types';

export interface ChatBodyOptions {
  /** `max_tokens` for the services that take OpenAI's older name (Elasticsearch renames the field for them). */
  tokenLimitField: 'max_completion_tokens' | 'max_tokens';
  /** Whether a stream asks for a final usage chunk (`stream_options.include_usage`). */
  streamOptions: boolean;
}

type Message = ChatCompletionRequest['messages'][number];
type Body = Record<string, unknown>;

const defined = (entries: Array<[string, unknown]>): Body =>
  Object.fromEntries(entries.filter(([, value]) => value !== undefined && value !== null));

/** A message with the fields only the elastic provider understands (`reasoning`) left out. */
function message(entry: Message): Body {
  return defined([
    ['content', entry.content],
    ['role', entry.role],
    ['tool_call_id', entry.tool_call_id],
    ['tool_calls', entry.tool_calls],
  ]);
}

/** `model`: the request's, else the endpoint's (undefined leaves it out, for services whose URL names the model). */
export function chatBody(request: ChatCompletionRequest, model: string | undefined, stream: boolean, options: ChatBodyOptions): Body {
  return defined([
    ['messages', request.messages.map(message)],
    ['stop', request.stop?.length ? request.stop : undefined],
    ['temperature', request.temperature],
    ['tool_choice', request.tool_choice],
    ['tools', request.tools?.length ? request.tools : undefined],
    ['top_p', request.top_p],
    [options.tokenLimitField, request.max_completion_tokens],
    ['model', request.model ?? model],
    ['n', 1],
    ['stream', stream],
    ['stream_options', stream && options.streamOptions ? { include_usage: true } : undefined],
  ]);
}

/** A completion's input as the unified request Elasticsearch makes of it: one user message. */
export const completionRequest = (input: string): ChatCompletionRequest => ({ messages: [{ role: 'user', content: input }] });
