/**
 * The unified chat request (OpenAI-shaped) as a ConverseStream body: system messages become `system` blocks,
 * user and assistant text `{"text"}` blocks, assistant tool calls `{"toolUse":{"toolUseId","name","input"}}` and tool
 * messages `{"toolResult":{"toolUseId","content":[{"text"}]}}` in a user turn (consecutive ones share it, as Bedrock
 * wants turns to alternate); `tools` and `tool_choice` become `toolConfig`. The request's `max_completion_tokens`,
 * `temperature`, `top_p` and `stop` win over the endpoint's task settings.
 */
import { randomUUID } from 'node:crypto';
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { taskSettings } from '../kit/settings';
import type { ChatCompletionRequest } from '../types';
import { inferenceConfig, present } from './converse';

type Message = ChatCompletionRequest['messages'][number];
type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

function textOf(message: Message, index: number): string | undefined {
  const { content } = message;
  if (content === undefined || typeof content === 'string') return content;
  return content
    .map((part, partIndex) => {
      if (part.type !== 'text' || typeof part.text !== 'string') {
        throw badRequest(`[messages][${index}][content][${partIndex}]: Amazon Bedrock chat completion takes text content only, not [${String(part.type)}]`);
      }
      return part.text;
    })
    .join('');
}

function toolUse(call: NonNullable<Message['tool_calls']>[number], index: number): Block {
  let input: unknown;
  try {
    input = JSON.parse(call.function.arguments);
  } catch {
    throw badRequest(`[messages][${index}][tool_calls]: the arguments of tool call [${call.id}] are not a JSON document`);
  }
  return { toolUse: { toolUseId: call.id, name: call.function.name, input } };
}

function blocksOf(message: Message, index: number): Block[] {
  const text = textOf(message, index);
  if (message.role === 'tool') {
    if (!message.tool_call_id) throw badRequest(`[messages][${index}]: a tool message needs its [tool_call_id]`);
    return [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text: text ?? '' }] } }];
  }
  const blocks: Block[] = text === undefined || text === '' ? [] : [{ text }];
  return [...blocks, ...(message.tool_calls ?? []).map((call) => toolUse(call, index))];
}

function conversation(messages: readonly Message[]): { system: Block[]; turns: Turn[] } {
  const system: Block[] = [];
  const turns: Turn[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOf(message, index);
      if (text) system.push({ text });
      return;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = blocksOf(message, index);
    const last = turns.at(-1);
    // Tool results answer the assistant's turn together, in one user turn.
    if (message.role === 'tool' && last?.role === 'user' && last.content.every((block) => 'toolResult' in block)) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  });
  return { system, turns };
}

function toolChoice(choice: ChatCompletionRequest['tool_choice']): Block | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
}

function toolConfig(request: ChatCompletionRequest): { toolConfig?: Block } {
  if (!request.tools?.length) return {};
  const tools = request.tools.map((tool) => ({
    toolSpec: present({
      name: tool.function.name,
      description: tool.function.description,
      inputSchema: { json: tool.function.parameters ?? { type: 'object', properties: {} } },
    }),
  }));
  return { toolConfig: present({ tools, toolChoice: toolChoice(request.tool_choice) }) };
}

export function chatBody(context: CallContext, request: ChatCompletionRequest): Record<string, unknown> {
  const settings = taskSettings<'AmazonBedrockCompletionTaskSettings'>(context);
  const { system, turns } = conversation(request.messages);
  return {
    messages: turns,
    ...(system.length === 0 ? {} : { system }),
    ...inferenceConfig({
      maxTokens: request.max_completion_tokens ?? settings.max_new_tokens,
      temperature: request.temperature ?? settings.temperature,
      topP: request.top_p ?? settings.top_p,
      stopSequences: request.stop?.length ? request.stop : undefined,
    }),
    ...toolConfig(request),
  };
}

/** Bedrock's answers carry no id: the chat's is made here. */
export const chatId = () => `chatcmpl-${randomUUID()}`;
