/**
 * The unified chat request as Elasticsearch's AnthropicUnifiedChatCompletionRequestEntity and AnthropicToolUtils
 * write it for the Messages API, in their field order: `model`, `system` (the system messages as text blocks),
 * `messages`, `stop_sequences`, `temperature` and `top_p` (the request's, else the task settings'), `top_k`,
 * `tool_choice` and `tools` in Anthropic's vocabulary, `stream`, `max_tokens` (`max_completion_tokens`, else the
 * task setting).
 */
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { serviceSettings } from '../kit/settings';
import type { ChatCompletionRequest } from '../types';
import { anthropicTaskSettings } from './task-settings';

type Body = Record<string, unknown>;
type Message = ChatCompletionRequest['messages'][number];
type Tool = NonNullable<ChatCompletionRequest['tools']>[number];

const defined = (entries: Array<[string, unknown]>): Body =>
  Object.fromEntries(entries.filter(([, value]) => value !== undefined && value !== null));

/** A system message as a text block; Elasticsearch writes the text of string contents only. */
const systemBlock = (message: Message) => (typeof message.content === 'string' ? { type: 'text', text: message.content } : { type: 'text' });

function toolInput(call: { id?: string; function: { arguments?: string } }): unknown {
  let input: unknown;
  try {
    input = JSON.parse(call.function.arguments ?? '{}');
  } catch {
    input = undefined;
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw badRequest(`The [arguments] of tool call [${call.id ?? ''}] must be a JSON object for the Anthropic chat completion API.`);
  }
  return input;
}

/** The text of an assistant turn as blocks before its tool calls (content parts are Anthropic's blocks already). */
function textBlocks(content: Message['content']): unknown[] {
  if (Array.isArray(content)) return content;
  return typeof content === 'string' && content !== '' ? [{ type: 'text', text: content }] : [];
}

/**
 * A message as Anthropic takes it. Elasticsearch writes every message in OpenAI's shape (`content`, `role`,
 * `tool_call_id`, `tool_calls`), which Anthropic refuses for tool calls and tool results; those are written as
 * Anthropic's `tool_use` and `tool_result` blocks instead (the issue asks for tool calls in, and Anthropic knows no
 * other form). The others are written as Elasticsearch writes them.
 */
function message(entry: Message): Body {
  const calls = entry.tool_calls ?? [];
  if (entry.role === 'assistant' && calls.length > 0) {
    const uses = calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call) }));
    return { content: [...textBlocks(entry.content), ...uses], role: 'assistant' };
  }
  if (entry.role === 'tool') return { content: [toolResult(entry)], role: 'user' };
  return defined([
    ['content', entry.content],
    ['role', entry.role],
    ['tool_call_id', entry.tool_call_id],
  ]);
}

const toolResult = (entry: Message): Body => defined([['type', 'tool_result'], ['tool_use_id', entry.tool_call_id], ['content', entry.content]]);

/** Consecutive tool results answer one assistant turn: Anthropic wants them in one user message. */
function messages(entries: Message[]): Body[] {
  const written: Body[] = [];
  entries.forEach((entry, i) => {
    const body = message(entry);
    const previous = written.at(-1);
    if (entry.role === 'tool' && i > 0 && entries[i - 1].role === 'tool' && previous) {
      (previous.content as Body[]).push(...(body.content as Body[]));
    } else {
      written.push(body);
    }
  });
  return written;
}

const TOOL_CHOICES: Readonly<Record<string, string>> = { none: 'none', auto: 'auto', required: 'any' };

function toolChoice(choice: ChatCompletionRequest['tool_choice']): Body | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'object') return defined([['type', 'tool'], ['name', choice.function?.name]]);
  const type = TOOL_CHOICES[choice];
  if (!type) throw badRequest(`Unsupported tool_choice value [${String(choice)}] for the Anthropic chat completion API.`);
  return { type };
}

/** Anthropic wants an object schema on every tool: `type` forced to object, `properties` defaulted, the rest kept. */
function inputSchema(parameters: Record<string, unknown> | undefined): Body {
  if (!parameters) return { type: 'object', properties: {} };
  const { type: _type, properties, required, ...rest } = parameters;
  return { type: 'object', properties: properties ?? {}, ...(required === undefined || required === null ? {} : { required }), ...rest };
}

/** OpenAI's `strict` has no Anthropic equivalent and is dropped; a missing description is written as null. */
const tool = ({ function: fn }: Tool): Body => ({ name: fn.name, description: fn.description ?? null, input_schema: inputSchema(fn.parameters) });

export function unifiedChatBody(context: CallContext, request: ChatCompletionRequest, stream: boolean): Body {
  const settings = anthropicTaskSettings(context);
  const system = request.messages.filter((entry) => entry.role === 'system');
  return defined([
    ['model', request.model ?? serviceSettings<'AnthropicServiceSettings'>(context).model_id],
    ['system', system.length > 0 ? system.map(systemBlock) : undefined],
    ['messages', messages(request.messages.filter((entry) => entry.role !== 'system'))],
    ['stop_sequences', request.stop?.length ? request.stop : undefined],
    ['temperature', request.temperature ?? settings.temperature],
    ['top_p', request.top_p ?? settings.top_p],
    ['top_k', settings.top_k],
    ['tool_choice', toolChoice(request.tool_choice)],
    ['tools', request.tools?.length ? request.tools.map(tool) : undefined],
    ['stream', stream],
    ['max_tokens', request.max_completion_tokens ?? settings.max_tokens],
  ]);
}
