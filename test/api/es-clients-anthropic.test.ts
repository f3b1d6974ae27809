/**
 * The official Elasticsearch clients (8.19 and 9.x) drive anthropic endpoints through infergate and the Anthropic
 * mock (reached through INFERGATE_UPSTREAM_ORIGINS): put, completion, its stream, a chat_completion stream
 * (`chatCompletionUnified`) and delete.
 */
import type { MockProvider } from '../support/mock-provider/mock-server';
import { ANTHROPIC_API_KEY, startMockAnthropic } from '../providers/anthropic/mock-anthropic';
import { startTestServer, type TestServer } from '../support/server';
import { ES_CLIENTS, dataLines, expectResponseError, readAll, type EsClientUnderTest } from './es-clients-support';

let mock: MockProvider;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockAnthropic();
  server = await startTestServer({ upstreamOrigins: { anthropic: mock.url }, rateLimitIntervalMs: 1000 });
});
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

const MODEL = 'claude-sonnet-4-5';
const settings = { api_key: ANTHROPIC_API_KEY, model_id: MODEL };

describe.each(ES_CLIENTS)('%s', (_title, tag, createClient) => {
  let client: EsClientUnderTest;
  const ids = { completion: `${tag}-anthropic-completion`, chat: `${tag}-anthropic-chat` };

  beforeAll(() => {
    client = createClient(server.url);
  });
  afterAll(async () => {
    await client.close();
  });

  test('put and completion, streamed and not', async () => {
    mock.reset();
    const put = await client.put('completion', ids.completion, { service: 'anthropic', service_settings: settings, task_settings: { max_tokens: 256, top_k: 1 } });
    expect(put).toEqual({
      inference_id: ids.completion,
      task_type: 'completion',
      service: 'anthropic',
      service_settings: { model_id: MODEL, rate_limit: { requests_per_minute: 50 } },
      task_settings: { max_tokens: 256, top_p: 1 },
    });
    expect(mock.requests.map((request) => [request.path, request.headers['x-api-key'], request.headers['anthropic-version']])).toEqual([
      ['/v1/messages', ANTHROPIC_API_KEY, '2023-06-01'],
    ]);

    const answer = await client.completion(ids.completion, 'What is Elastic?');
    expect(answer).toEqual({ completion: [{ result: 'Echo: What is Elastic?' }] });

    const { body, headers } = await client.streamCompletion(ids.completion, 'What is Kibana?');
    expect(String(headers['content-type'])).toMatch(/^text\/event-stream/);
    const data = dataLines(await readAll(body));
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.slice(0, -1).map((line) => JSON.parse(line).completion[0].delta).join('')).toBe('Echo: What is Kibana?');
    expect(mock.requestsTo('messages').at(-1)!.rawBody).toBe(`{"messages":[{"role":"user","content":"What is Kibana?"}],"model":"${MODEL}","max_tokens":256,"top_p":1,"stream":true}`);
  });

  test('a chat_completion stream through chatCompletionUnified: OpenAI chunks, usage last, then [DONE]', async () => {
    await client.put('chat_completion', ids.chat, { service: 'anthropic', service_settings: settings, task_settings: { max_tokens: 256 } });
    mock.reset();
    const { body, headers } = await client.chatCompletionUnified(ids.chat, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is Elastic?' },
    ]);
    expect(headers['x-elastic-product']).toBe('Elasticsearch');
    const data = dataLines(await readAll(body));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === MODEL)).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: What is Elastic?');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: expect.any(Number) } });
    expect(mock.requestsTo('messages')[0].body).toEqual({
      model: MODEL,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ content: 'What is Elastic?', role: 'user' }],
      stream: true,
      max_tokens: 256,
    });

    expect(await client.delete(ids.chat)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expect(await client.delete(ids.completion)).toMatchObject({ acknowledged: true });
    await expectResponseError(client, client.get(ids.chat), 404, 'resource_not_found_exception');
    expect(JSON.stringify(server.bodies)).not.toContain(ANTHROPIC_API_KEY);
  });
});
