/** The bodies and event frames of Anthropic's Messages API (https://docs.anthropic.com/en/api/messages,
 * /en/api/messages-streaming, /en/api/errors), as the mock answers with them. */
import { randomId, type JsonObject } from '../../support/mock-provider/mock-server';

export const ERROR_TYPES: Readonly<Record<number, [string, string]>> = {
  400: ['invalid_request_error', 'Your request was malformed.'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'The requested resource could not be found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: [
    'rate_limit_error',
    'Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
  ],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

/** `{"type":"error","error":{"type","message"},"request_id"}`. */
export function errorBody(type: string, message: string): JsonObject {
  return { type: 'error', error: { type, message }, request_id: `req_${randomId(24)}` };
}

export function statusErrorBody(status: number): JsonObject {
  const [type, message] = ERROR_TYPES[status] ?? ['api_error', `status ${status}`];
  return errorBody(type, message);
}

/** One server-sent event as Anthropic frames it: its type as the event name, the same type in the data. */
export const frame = (data: JsonObject): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;

export const streamErrorFrame = (message: string) => `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message } })}\n\n`;

export interface ToolUse {
  id: string;
  name: string;
  /** The input's JSON, streamed in pieces. */
  json: string;
}

export interface Answer {
  model: string;
  text: string;
  tool?: ToolUse;
  inputTokens: number;
}

const outputTokens = (answer: Answer) => answer.text.split(/\s+/).filter(Boolean).length + (answer.tool ? 10 : 0);
const stopReason = (answer: Answer) => (answer.tool ? 'tool_use' : 'end_turn');

export function messageBody(answer: Answer): JsonObject {
  const content: JsonObject[] = answer.text ? [{ type: 'text', text: answer.text }] : [];
  if (answer.tool) content.push({ type: 'tool_use', id: answer.tool.id, name: answer.tool.name, input: JSON.parse(answer.tool.json) as JsonObject });
  return {
    id: `msg_${randomId(24)}`,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content,
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: { input_tokens: answer.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens(answer) },
  };
}

/** The frames of a streamed answer, and how many come before the first delta (where stream faults count from). */
export function streamFrames(answer: Answer): { frames: string[]; before: number } {
  const start = {
    type: 'message_start',
    message: { ...messageBody(answer), content: [], stop_reason: null, usage: { input_tokens: answer.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } },
  };
  const frames = [frame(start)];
  let index = 0;
  if (answer.text) {
    frames.push(frame({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }), frame({ type: 'ping' }));
    for (const piece of answer.text.split(/(?<= )/)) frames.push(frame({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
    frames.push(frame({ type: 'content_block_stop', index }));
    index++;
  }
  if (answer.tool) {
    const { id, name, json } = answer.tool;
    frames.push(frame({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } }));
    for (const piece of json.match(/.{1,8}/gs) ?? []) frames.push(frame({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
    frames.push(frame({ type: 'content_block_stop', index }));
  }
  frames.push(
    frame({ type: 'message_delta', delta: { stop_reason: stopReason(answer), stop_sequence: null }, usage: { output_tokens: outputTokens(answer) } }),
    frame({ type: 'message_stop' }),
  );
  return { frames, before: answer.text ? 3 : 1 };
}
