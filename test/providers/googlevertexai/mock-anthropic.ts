/** Claude on Vertex AI Model Garden (`publishers/anthropic/models/<model>:rawPredict` and `:streamRawPredict`):
 * Anthropic's Messages API with `anthropic_version` `vertex-2023-10-16` in the body, its answers and its event
 * stream (`message_start`, `content_block_*`, `message_delta`, `message_stop`). */
import { randomId, sendJson, type Exchange, type JsonObject, type MockProvider, type MockRoute } from '../../support/mock-provider/mock-server';

const PATH = /^\/v1\/projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
export const CLAUDE_ANSWER = 'Elastic makes Elasticsearch.';

const anthropicError = (type: string, message: string): JsonObject => ({ type: 'error', error: { type, message } });
const frame = (event: string, data: JsonObject) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function streamFrames(model: string, exchange: Exchange): string[] {
  const message = { id: `msg_vrtx_${randomId(24)}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 1 } };
  const frames = [frame('message_start', { type: 'message_start', message })];
  if (exchange.step?.kind === 'toolCall') {
    frames.push(frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_vrtx_01', name: exchange.step.name ?? 'get_weather', input: {} } }));
    frames.push(frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: exchange.step.arguments ?? '{"city":"Paris"}' } }));
  } else {
    frames.push(frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
    for (const piece of CLAUDE_ANSWER.split(/(?<= )/)) frames.push(frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
  }
  frames.push(frame('content_block_stop', { type: 'content_block_stop', index: 0 }));
  frames.push(frame('message_delta', { type: 'message_delta', delta: { stop_reason: exchange.step?.kind === 'toolCall' ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } }));
  frames.push(frame('message_stop', { type: 'message_stop' }));
  return frames;
}

/** The route, for a mock whose `authorized` says whether the bearer token is one it issued. */
export function anthropicRoute(self: () => MockProvider, authorized: (exchange: Exchange) => boolean): MockRoute {
  return {
    name: 'claude',
    takesSteps: true,
    matches: (method, path) => method === 'POST' && PATH.test(path),
    wrongShape: { id: 'msg_1', type: 'message' },
    async handle(exchange) {
      if (!authorized(exchange)) return sendJson(exchange.res, 401, anthropicError('authentication_error', 'invalid authentication credentials'));
      const body = exchange.recorded.body as JsonObject | undefined;
      const [, model, method] = PATH.exec(exchange.recorded.path)!;
      if (!body || body.anthropic_version !== 'vertex-2023-10-16') return sendJson(exchange.res, 400, anthropicError('invalid_request_error', 'anthropic_version: vertex-2023-10-16 is required'));
      if (typeof body.max_tokens !== 'number') return sendJson(exchange.res, 400, anthropicError('invalid_request_error', 'max_tokens: Field required'));
      if (method === 'streamRawPredict') return self().writeStream(exchange, streamFrames(model, exchange));
      sendJson(exchange.res, 200, {
        id: `msg_vrtx_${randomId(24)}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: CLAUDE_ANSWER }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 9, output_tokens: 7 },
      });
    },
  };
}
