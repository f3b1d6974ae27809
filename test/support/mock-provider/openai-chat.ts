/** OpenAI's chat completions route (`POST /v1/chat/completions`), streamed and not, for every mock on its wire:
 * echoes the last user message (or a scripted reply, or a tool call), honours the token limit, `n` and
 * `stream_options.include_usage`, and answers streams in OpenAI's frames ending with `[DONE]`. */
import { isStreamFault, randomId, sendJson, type Exchange, type JsonObject, type JsonValue, type MockProvider, type MockRoute } from './mock-server';
import { sseFrame } from './openai-errors';
import { acceptRequest, approxTokens, isObject, isPositiveInteger, routeMatcher, type OpenAiRouteOptions } from './openai-routes';

interface ChatRequest {
  model: string;
  messages: JsonObject[];
  stream: boolean;
  includeUsage: boolean;
  n: number;
  maxTokens: number | undefined;
  toolNames: string[];
}

type ChatReply = { kind: 'text'; text: string } | { kind: 'toolCall'; id: string; name: string; arguments: string };

interface ChatAnswer {
  id: string;
  created: number;
  request: ChatRequest;
  reply: ChatReply;
  /** Content pieces (text) or argument fragments (tool call), already cut to the token limit. */
  pieces: string[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: JsonObject;
}

function messageText(content: JsonValue | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.flatMap((part) => (isObject(part) && part.type === 'text' && typeof part.text === 'string' ? [part.text] : [])).join('\n');
}

function lastUserText(messages: JsonObject[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return lastUser ? messageText(lastUser.content) : '';
}

/** Word-ish pieces whose concatenation is `text`, leading whitespace attached as OpenAI's tokens have it. */
const splitPieces = (text: string): string[] => text.match(/\s*\S+|\s+/g) ?? [];

function buildAnswer(request: ChatRequest, reply: ChatReply): ChatAnswer {
  const all = reply.kind === 'text' ? splitPieces(reply.text) : (reply.arguments.match(/[\s\S]{1,8}/g) ?? []);
  const truncated = reply.kind === 'text' && request.maxTokens !== undefined && all.length > request.maxTokens;
  const pieces = truncated ? all.slice(0, request.maxTokens) : all;
  const promptTokens = request.messages.reduce((sum, m) => sum + 3 + approxTokens(messageText(m.content)), 0);
  const completionTokens = Math.max(1, pieces.length) * request.n;
  return {
    id: `chatcmpl-${randomId(29)}`,
    created: Math.floor(Date.now() / 1000),
    request,
    reply,
    pieces,
    finishReason: reply.kind === 'toolCall' ? 'tool_calls' : truncated ? 'length' : 'stop',
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

function completionMessage({ reply, pieces }: ChatAnswer): JsonObject {
  if (reply.kind === 'text') return { role: 'assistant', content: pieces.join(''), refusal: null };
  const toolCall = { id: reply.id, type: 'function', function: { name: reply.name, arguments: reply.arguments } };
  return { role: 'assistant', content: null, tool_calls: [toolCall], refusal: null };
}

function chatCompletion(answer: ChatAnswer): JsonObject {
  const message = completionMessage(answer);
  const choices = Array.from({ length: answer.request.n }, (_, index) => ({ index, message, logprobs: null, finish_reason: answer.finishReason }));
  return { id: answer.id, object: 'chat.completion', created: answer.created, model: answer.request.model, choices, usage: answer.usage, system_fingerprint: null };
}

function chunkDeltas({ reply, pieces }: ChatAnswer): JsonObject[] {
  if (reply.kind === 'text') return [{ role: 'assistant', content: '', refusal: null }, ...pieces.map((content) => ({ content }))];
  const opening = { index: 0, id: reply.id, type: 'function', function: { name: reply.name, arguments: '' } };
  return [
    { role: 'assistant', content: null, tool_calls: [opening], refusal: null },
    ...pieces.map((fragment) => ({ tool_calls: [{ index: 0, function: { arguments: fragment } }] })),
  ];
}

/** The frames of a streamed answer, `[DONE]` included; choices are sent one after another. */
function streamFrames(answer: ChatAnswer): string[] {
  const { request } = answer;
  const chunk = (choices: JsonValue[], usage?: JsonObject): string =>
    sseFrame({
      id: answer.id,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: request.model,
      system_fingerprint: null,
      choices,
      // With include_usage, OpenAI puts `usage: null` on every chunk but the last.
      ...(request.includeUsage ? { usage: usage ?? null } : {}),
    });
  const frames: string[] = [];
  for (let index = 0; index < request.n; index++) {
    for (const delta of chunkDeltas(answer)) frames.push(chunk([{ index, delta, logprobs: null, finish_reason: null }]));
    frames.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: answer.finishReason }]));
  }
  if (request.includeUsage) frames.push(chunk([], answer.usage));
  frames.push(sseFrame('[DONE]'));
  return frames;
}

export function openAiChatRoute(options: OpenAiRouteOptions, mock: () => MockProvider): MockRoute {
  const { shape, settings } = options;
  const invalid = (exchange: Exchange, message: string, code: string | null, param: string | null) =>
    sendJson(exchange.res, 400, shape(message, 'invalid_request_error', code, param));

  function parse(exchange: Exchange, body: JsonObject, model: string): ChatRequest | undefined {
    const { messages, stream, stream_options: streamOptions, n, tools } = body;
    if (!Array.isArray(messages) || !messages.every(isObject)) return void invalid(exchange, "Invalid type for 'messages': expected an array of objects.", 'invalid_type', 'messages');
    if (messages.length === 0) return void invalid(exchange, "[] is too short - 'messages'", 'empty_array', 'messages');
    if (streamOptions !== undefined && streamOptions !== null && stream !== true) {
      return void invalid(exchange, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", null, 'stream_options');
    }
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    return {
      model,
      messages,
      stream: stream === true,
      includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
      n: isPositiveInteger(n) ? n : 1,
      maxTokens: isPositiveInteger(maxTokens) ? maxTokens : undefined,
      toolNames: Array.isArray(tools) ? tools.flatMap((t) => (isObject(t) && isObject(t.function) && typeof t.function.name === 'string' ? [t.function.name] : [])) : [],
    };
  }

  function reply(request: ChatRequest, exchange: Exchange): ChatReply {
    const step = exchange.step;
    if (step?.kind === 'toolCall' && request.toolNames.length > 0) {
      return { kind: 'toolCall', id: `call_${randomId(24)}`, name: step.name ?? request.toolNames[0], arguments: step.arguments ?? '{}' };
    }
    if (step?.kind === 'reply') return { kind: 'text', text: step.text };
    return { kind: 'text', text: settings.replyText ?? `Echo: ${lastUserText(request.messages)}` };
  }

  return {
    name: options.name,
    matches: routeMatcher(options),
    takesSteps: true,
    wrongShape: { id: `chatcmpl-${randomId(29)}`, object: 'chat.completion', created: 0, model: 'mock' },
    async handle(exchange) {
      const accepted = acceptRequest(exchange, options);
      if (!accepted) return;
      const request = parse(exchange, accepted.body, accepted.model);
      if (!request) return;
      if (isStreamFault(exchange.step) && !request.stream) {
        return sendJson(exchange.res, 500, shape(`mock: '${exchange.step.kind}' was queued but the request has no stream: true`, 'server_error'));
      }
      const answer = buildAnswer(request, reply(request, exchange));
      if (!request.stream) return sendJson(exchange.res, 200, chatCompletion(answer));
      // A stream fault keeps the role chunk plus `chunks` chunks, never past the first choice's content.
      const contentFrames = chunkDeltas(answer).length;
      await mock().writeStream(exchange, streamFrames(answer), {
        keptByFault: (chunks) => Math.min(1 + Math.max(0, chunks), contentFrames),
        frameDelayMs: settings.chunkDelayMs,
      });
    },
  };
}
