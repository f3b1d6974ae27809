/**
 * The body of Gemini's generateContent as Elasticsearch's GoogleVertexAiUnifiedChatCompletionRequestEntity writes it
 * from a unified (OpenAI-shaped) chat request: `contents` (roles `user` / `model`; tool results as `functionResponse`
 * parts of one user turn), `generationConfig`, `tools` (`functionDeclarations`), `toolConfig` and
 * `systemInstruction`, in that order. What Gemini cannot take is refused with Elasticsearch's 400s.
 * Not carried over yet: `reasoning_details` (thought summaries and signatures a client echoes back).
 */
import { badRequest } from '../../http/errors';
import type { ChatCompletionRequest } from '../types';

type Message = ChatCompletionRequest['messages'][number];
type Body = Record<string, unknown>;

/** Google's placeholder that lets a replayed function call without its thought signature through (Gemini 3). */
const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';
const REASONING_LEVELS: Readonly<Record<string, string>> = { minimal: 'MINIMAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH' };

export interface GenerationDefaults {
  /** The task settings' `max_tokens`, when the request sets no `max_completion_tokens`. */
  maxTokens?: number;
  thinkingBudget?: number;
}

const isRole = (message: Message, role: string) => message.role.toLowerCase() === role;

function roleOf(message: Message): string {
  if (isRole(message, 'user') || message.role === 'tool') return 'user';
  if (message.role === 'assistant') return 'model';
  throw badRequest(`Role [${message.role}] not supported by Google VertexAI ChatCompletion. Supported roles: [user, assistant]`);
}

/** The message's texts, one a part; empty texts are dropped (Gemini refuses empty parts). */
function texts(message: Message): string[] {
  const { content } = message;
  if (content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [content];
  return content.map((item) => {
    if (item.type !== 'text') throw badRequest(`Type [${item.type}] not supported by Google VertexAI ChatCompletion. Supported types: [text]`);
    return item.text ?? '';
  }).filter((text) => text !== '');
}

/** `arguments` as the JSON object Gemini wants (an empty one is null, as Elasticsearch writes it). */
function argumentsOf(json: string): unknown {
  if (json === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`Failed to parse tool call arguments [${json}]: not a JSON object`);
  return parsed;
}

/** The id was the model's (not made up from the function name when Gemini gave none). */
const modelIssued = (id: string | undefined, name: string) => id !== undefined && id !== name;

function messageParts(message: Message): Body[] {
  const parts: Body[] = texts(message).map((text) => ({ text }));
  (message.tool_calls ?? []).forEach((call, i) => {
    const functionCall = {
      name: call.function.name,
      args: argumentsOf(call.function.arguments),
      ...(modelIssued(call.id, call.function.name) ? { id: call.id } : {}),
    };
    parts.push(i === 0 ? { functionCall, thoughtSignature: SKIP_THOUGHT_SIGNATURE } : { functionCall });
  });
  return parts;
}

function functionNameOf(toolCallId: string, messages: readonly Message[]): string {
  for (const message of messages) for (const call of message.tool_calls ?? []) if (call.id === toolCallId) return call.function.name;
  return toolCallId;
}

/** A tool's result: its JSON object, or its text under `output`. */
function toolResponse(message: Message): unknown {
  const text = texts(message).join('');
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // not JSON: the raw output
  }
  return { output: text };
}

function functionResponsePart(message: Message, messages: readonly Message[]): Body {
  const id = message.tool_call_id;
  if (id === undefined) throw badRequest('Tool messages require a [tool_call_id] for Google VertexAI ChatCompletion');
  const name = functionNameOf(id, messages);
  return { functionResponse: { name, ...(modelIssued(id, name) ? { id } : {}), response: toolResponse(message) } };
}

/** Consecutive tool messages answer one turn of parallel calls: one user content. */
function contents(messages: readonly Message[]): Body[] {
  const turns: Message[][] = [];
  for (const message of messages) {
    if (isRole(message, 'system')) continue;
    const last = turns.at(-1);
    if (message.role === 'tool' && last && last[0].role === 'tool') last.push(message);
    else turns.push([message]);
  }
  return turns.map((turn) => ({
    role: roleOf(turn[0]),
    parts: turn[0].role === 'tool' ? turn.map((message) => functionResponsePart(message, messages)) : messageParts(turn[0]),
  }));
}

function thinkingConfig(request: ChatCompletionRequest, defaults: GenerationDefaults): Body | undefined {
  const reasoning = request.reasoning as { effort?: string; exclude?: boolean } | undefined;
  if (reasoning) {
    const level = reasoning.effort === undefined ? undefined : REASONING_LEVELS[reasoning.effort];
    if (reasoning.effort !== undefined && level === undefined) {
      throw badRequest(`Reasoning effort [${reasoning.effort.toUpperCase()}] not supported by Google VertexAI ChatCompletion. Supported efforts: [minimal, low, medium, high]`);
    }
    return { ...(level ? { thinkingLevel: level } : {}), includeThoughts: reasoning.exclude !== true };
  }
  return defaults.thinkingBudget === undefined ? undefined : { thinkingBudget: defaults.thinkingBudget };
}

function generationConfig(request: ChatCompletionRequest, defaults: GenerationDefaults): Body | undefined {
  const maxOutputTokens = request.max_completion_tokens ?? defaults.maxTokens;
  const thinking = thinkingConfig(request, defaults);
  const config: Body = {
    ...(request.stop === undefined ? {} : { stopSequences: request.stop }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(request.top_p === undefined ? {} : { topP: request.top_p }),
    ...(thinking ? { thinkingConfig: thinking } : {}),
  };
  return Object.keys(config).length === 0 ? undefined : config;
}

function tools(request: ChatCompletionRequest): Body[] | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  const functionDeclarations = request.tools.map(({ function: fn }) => ({
    name: fn.name,
    ...(fn.description && fn.description.trim() !== '' ? { description: fn.description } : {}),
    ...(fn.parameters && Object.keys(fn.parameters).length > 0 ? { parameters: fn.parameters } : {}),
  }));
  return [{ functionDeclarations }];
}

function toolConfig(request: ChatCompletionRequest): Body | undefined {
  const choice = request.tool_choice;
  if (choice === undefined || choice === 'auto') return undefined;
  if (typeof choice === 'string') {
    throw badRequest(`Tool choice value [${choice}] not supported by Google VertexAI ChatCompletion. Supported values: [auto]`);
  }
  const name = choice.function.name;
  return { functionCallingConfig: { mode: 'ANY', ...(name.trim() !== '' ? { allowedFunctionNames: [name] } : {}) } };
}

function systemInstruction(messages: readonly Message[]): Body | undefined {
  const system = messages.filter((message) => isRole(message, 'system'));
  if (system.length === 0) return undefined;
  const parts = system.flatMap((message) => {
    if (typeof message.content === 'string') {
      if (message.content === '') throw badRequest('System message cannot be empty for Google Vertex AI');
      return [{ text: message.content }];
    }
    if (message.content === undefined) throw badRequest('Only text system instructions are supported for Vertex AI');
    return message.content.map((item) => {
      if (item.type !== 'text') throw badRequest(`Type [${item.type}] not supported by Google VertexAI ChatCompletion. Supported types: [text]`);
      return { text: item.text ?? '' };
    });
  });
  return { parts };
}

export function generateContentBody(request: ChatCompletionRequest, defaults: GenerationDefaults): Body {
  const body: Body = { contents: contents(request.messages) };
  const config = generationConfig(request, defaults);
  if (config) body.generationConfig = config;
  const declared = tools(request);
  if (declared) body.tools = declared;
  const choice = toolConfig(request);
  if (choice) body.toolConfig = choice;
  const instruction = systemInstruction(request.messages);
  if (instruction) body.systemInstruction = instruction;
  return body;
}
