/**
 * Every event a stream sends matches the schema the spec gives for it (`x-infergate-event-schema` for messages,
 * `x-infergate-error-event-schema` for errors during a stream, the error response's event schema for errors before
 * it): good streams, provider errors before the first byte, and provider errors mid-stream, on both stream routes.
 */
import Ajv2020 from 'ajv/dist/2020';
import document from '../../generated/openapi.json';
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { framesOf, postRaw } from '../support/assertions';
import type { TestServer } from '../support/server';
import { newId, withMockedService } from '../support/service-setup';

type Json = Record<string, unknown>;
const openai = withMockedService('openai', () => startMockOpenAi(), { upstreamOrigins: {} });
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

const ajv = new Ajv2020({ strict: false, allErrors: true });

/** The text/event-stream content the spec documents for an operation's answer with this status. */
function streamContent(path: string, status: number): Json {
  const responses = (document.paths as unknown as Record<string, { post: { responses: Record<string, Json> } }>)[path].post.responses;
  const response = (responses[String(status)] ?? responses.default) as { content: Record<string, Json> };
  return response.content['text/event-stream'];
}

function expectEventsMatchSpec(path: string, status: number, text: string): void {
  const content = streamContent(path, status);
  for (const frame of framesOf(text)) {
    if (frame.data === '[DONE]') continue;
    const schemaKey = frame.event === 'error' && status === 200 ? 'x-infergate-error-event-schema' : 'x-infergate-event-schema';
    const schema = content[schemaKey] as Json | undefined;
    expect({ frame: frame.event, schemaKey, documented: schema !== undefined }).toEqual({ frame: frame.event, schemaKey, documented: true });
    const validate = ajv.compile(schema!);
    const valid = validate(JSON.parse(frame.data));
    expect({ data: frame.data, errors: validate.errors ?? null, valid }).toEqual({ data: frame.data, errors: null, valid: true });
  }
}

async function create(taskType: 'completion' | 'chat_completion'): Promise<string> {
  const id = newId(`events-${taskType}`);
  const put = await server.call('PUT', `/_inference/${taskType}/${id}`, {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
  });
  expect(put.status).toBe(200);
  mock.reset();
  return id;
}

const routes = [
  { taskType: 'completion' as const, path: '/_inference/completion/{inference_id}/_stream', body: { input: 'one two three' } },
  {
    taskType: 'chat_completion' as const,
    path: '/_inference/chat_completion/{inference_id}/_stream',
    body: { messages: [{ role: 'user', content: 'one two three' }] },
  },
];

describe.each(routes)('$path', ({ taskType, path, body }) => {
  const call = (id: string) => postRaw(server, path.replace('{inference_id}', id), body);

  test('a good stream', async () => {
    const response = await call(await create(taskType));
    expect(response.status).toBe(200);
    expectEventsMatchSpec(path, 200, response.text);
  });

  test('a provider error before the first byte', async () => {
    const id = await create(taskType);
    mock.enqueueFault('chat', { kind: 'status', status: 404 });
    const response = await call(id);
    expect(response.status).toBe(404);
    expectEventsMatchSpec(path, 404, response.text);
  });

  test('a provider error mid-stream', async () => {
    const id = await create(taskType);
    mock.enqueueFault('chat', { kind: 'streamError', chunks: 1, message: 'The upstream model crashed' });
    const response = await call(id);
    expect(response.status).toBe(200);
    expect(framesOf(response.text).at(-1)!.event).toBe('error');
    expectEventsMatchSpec(path, 200, response.text);
  });
});
