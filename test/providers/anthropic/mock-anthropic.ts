/** Anthropic's Messages API (https://docs.anthropic.com/en/api/messages) at `/v1/messages`: `x-api-key` and a required
 * `anthropic-version` header, its `{"type":"error","error":{"type","message"}}` bodies per status (401
 * authentication_error, 429 rate_limit_error with its rate-limit headers, 529 overloaded_error), what it refuses in
 * a body (OpenAI-shaped messages among them), and its streams of typed events (`event:` lines, `ping`s, an `error`
 * event mid-stream). */
import { MockProvider, randomId, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { errorBody, messageBody, statusErrorBody, streamErrorFrame, streamFrames, type Answer } from './anthropic-bodies';

export const ANTHROPIC_API_KEY = 'sk-ant-api03-Qm7Zt2Lw9Xv4Rb8Nk1Jh6Pd3Fg5Sy0Ca-Ub2Ve';
export const ANTHROPIC_VERSION = '2023-06-01';

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const BODY_FIELDS = new Set(['model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice', 'metadata']);

/** Anthropic's words for what is wrong with a body, or undefined. */
function problemOf(body: JsonObject): string | undefined {
  const extra = Object.keys(body).find((key) => !BODY_FIELDS.has(key));
  if (extra) return `${extra}: Extra inputs are not permitted`;
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  if (body.max_tokens < 1) return 'max_tokens: Input should be greater than or equal to 1';
  if (typeof body.temperature === 'number' && (body.temperature < 0 || body.temperature > 1)) return 'temperature: range: 0..1';
  if (typeof body.top_p === 'number' && (body.top_p < 0 || body.top_p > 1)) return 'top_p: range: 0..1';
  if (body.system !== undefined && typeof body.system !== 'string' && !(Array.isArray(body.system) && body.system.every((block) => isObject(block) && typeof block.text === 'string'))) {
    return 'system: Input should be a valid list of text blocks';
  }
  if (Array.isArray(body.tools)) {
    const index = body.tools.findIndex((tool) => !isObject(tool) || typeof tool.name !== 'string' || !isObject(tool.input_schema));
    if (index >= 0) return `tools.${index}.input_schema: Field required`;
  }
  return messagesProblem(body.messages);
}

function messagesProblem(messages: JsonValue | undefined): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: Field required';
  let offered = new Set<string>();
  for (const [i, message] of messages.entries()) {
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const extra = Object.keys(message).find((key) => key !== 'role' && key !== 'content');
    if (extra) return `messages.${i}.${extra}: Extra inputs are not permitted`;
    const blocks = typeof message.content === 'string' ? [] : message.content;
    if (!Array.isArray(blocks) || !blocks.every((block) => isObject(block) && typeof block.type === 'string')) return `messages.${i}.content: Input should be a valid list`;
    for (const block of blocks as JsonObject[]) {
      if (block.type === 'tool_result' && !offered.has(String(block.tool_use_id))) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    offered = new Set((blocks as JsonObject[]).filter((block) => block.type === 'tool_use').map((block) => String(block.id)));
  }
  return undefined;
}

/** The text of the last user turn, which the answer echoes. */
function lastUserText(messages: JsonObject[]): string {
  const content = [...messages].reverse().find((message) => message.role === 'user')?.content;
  if (typeof content === 'string') return content;
  const blocks = (content as JsonObject[] | undefined) ?? [];
  if (blocks.some((block) => block.type === 'tool_result')) return 'the tool result';
  return blocks.map((block) => (typeof block.text === 'string' ? block.text : '')).join(' ');
}

function answerOf(exchange: Exchange, body: JsonObject): Answer {
  const step = exchange.step;
  const inputTokens = JSON.stringify(body.messages).length >> 2;
  const model = body.model as string;
  if (step?.kind === 'reply') return { model, text: step.text, inputTokens };
  if (step?.kind === 'toolCall') {
    const tools = Array.isArray(body.tools) ? (body.tools as JsonObject[]) : [];
    const name = step.name ?? (tools[0]?.name as string | undefined) ?? 'get_weather';
    return { model, text: 'Let me check.', tool: { id: `toolu_${randomId(24)}`, name, json: step.arguments ?? '{"location":"Paris"}' }, inputTokens };
  }
  return { model, text: `Echo: ${lastUserText(body.messages as JsonObject[])}`, inputTokens };
}

function messagesRoute(mock: MockProvider): MockRoute {
  return {
    name: 'messages',
    takesSteps: true,
    matches: (method, path) => method === 'POST' && path === '/v1/messages',
    wrongShape: { id: 'msg_1', type: 'message', role: 'assistant' },
    handle(exchange) {
      const { req, res, recorded } = exchange;
      const key = req.headers['x-api-key'];
      if (key === undefined) return sendJson(res, 401, errorBody('authentication_error', 'x-api-key header is required'));
      if (key !== ANTHROPIC_API_KEY) return sendJson(res, 401, errorBody('authentication_error', 'invalid x-api-key'));
      if (req.headers['anthropic-version'] === undefined) return sendJson(res, 400, errorBody('invalid_request_error', 'anthropic-version: header is required'));
      if (req.headers['anthropic-version'] !== ANTHROPIC_VERSION) return sendJson(res, 400, errorBody('invalid_request_error', `anthropic-version: unknown version ${String(req.headers['anthropic-version'])}`));
      const body = recorded.body;
      if (!isObject(body)) return sendJson(res, 400, errorBody('invalid_request_error', 'There was an issue with your request body: expected a JSON object'));
      const problem = problemOf(body);
      if (problem) return sendJson(res, 400, errorBody('invalid_request_error', problem));
      const answer = answerOf(exchange, body);
      if (body.stream !== true) return sendJson(res, 200, messageBody(answer));
      const { frames, before } = streamFrames(answer);
      return mock.writeStream(exchange, frames, { keptByFault: (chunks) => before + chunks });
    },
  };
}

const wire: MockWire = {
  errorBody: (status) => statusErrorBody(status),
  errorHeaders: (status): Record<string, string> =>
    status === 429
      ? {
          'retry-after': '0',
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': '2026-12-03T14:00:30Z',
          'anthropic-ratelimit-tokens-limit': '40000',
          'anthropic-ratelimit-tokens-remaining': '0',
          'anthropic-ratelimit-tokens-reset': '2026-12-03T14:00:30Z',
        }
      : {},
  streamErrorFrame,
  unknownRoute: () => ({ status: 404, body: errorBody('not_found_error', 'Not Found') }),
};

export function startMockAnthropic(): Promise<MockProvider> {
  const routes: MockRoute[] = [];
  const mock = new MockProvider('anthropic', routes, wire);
  routes.push(messagesRoute(mock));
  return mock.listen();
}
