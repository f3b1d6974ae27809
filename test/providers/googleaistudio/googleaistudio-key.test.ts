/**
 * Google AI Studio's API key travels in the URL (`?key=`): no answer, error message or log line may hold it, raw or
 * in its URL forms — a 404 names the URL without it, a connection failure or an allow-list refusal names it redacted,
 * a stream cut mid-way too. The key here has characters that a URL encodes, so that its encoded forms differ.
 */
import { closedPort } from '../../support/ports';
import { parseHostPatterns } from '../../../server/providers/kit/host-patterns';
import { expectEventStream, expectNoSecretLeft, framesOf, onlyErrorFrame, postRaw } from '../../support/assertions';
import { startTestServer, type TestServer } from '../../support/server';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { GOOGLE_API_KEY, GOOGLE_API_KEY_WITH_SYMBOLS as KEY, startMockGoogleAiStudio } from './mock-googleaistudio';

/** The key, and the forms a URL gives it. */
const KEY_FORMS = [KEY, encodeURIComponent(KEY), new URLSearchParams({ key: KEY }).toString().slice('key='.length)];

const service = withMockedService('googleaistudio', startMockGoogleAiStudio);
const body = (taskType: string) => ({
  service: 'googleaistudio',
  service_settings: { api_key: KEY, model_id: taskType === 'completion' ? 'gemini-2.0-flash' : 'text-embedding-004' },
});

function expectNothingHoldsTheKey(server: TestServer): void {
  expect(KEY_FORMS[1]).not.toBe(KEY);
  expect(KEY_FORMS[2]).not.toBe(KEY_FORMS[1]);
  expectNoSecretLeft(server, KEY_FORMS);
}

describe('through the mock', () => {
  afterAll(async () => {
    // The metrics are read too (their body joins the answers checked), and every log line was captured (at debug
    // level), answers and failures alike.
    expect((await service.server.call('GET', '/metrics')).text).toContain('service="googleaistudio"');
    expect(service.server.logs.some((line) => line.includes('"msg":"request failed"'))).toBe(true);
    expect(service.server.logs.some((line) => line.includes('"msg":"request refused"'))).toBe(true);
    expectNothingHoldsTheKey(service.server);
  });

  test('the key reaches Google whole, as the `key` query parameter', async () => {
    await service.server.call('PUT', `/_inference/text_embedding/${newId('gais-key')}`, body('text_embedding'));
    expect(onlyRequest(service.mock, 'embeddings').query).toEqual({ key: KEY });
  });

  test('_update changes the key sent (with max_input_tokens and the rate limit, what Elasticsearch lets it change)', async () => {
    const id = newId('gais-key-update');
    await createEndpoint(service, 'text_embedding', id, { ...body('text_embedding'), service_settings: { api_key: GOOGLE_API_KEY, model_id: 'text-embedding-004' } });
    const settings = { api_key: KEY, max_input_tokens: 2, rate_limit: { requests_per_minute: 100 } };
    const updated = await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: settings });
    expect(updated.json.service_settings).toMatchObject({ max_input_tokens: 2, rate_limit: { requests_per_minute: 100 } });
    expect(updated.json.service_settings.api_key).toBeUndefined();
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a text longer than six characters' });
    const [request] = service.mock.requestsTo('embeddings');
    expect(request.query).toEqual({ key: KEY });
    expect(request.rawBody).toContain('"text":"a text"');
  });

  test('a 404 names the URL without the key', async () => {
    const id = newId('gais-key-404');
    await createEndpoint(service, 'text_embedding', id, body('text_embedding'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 404 });
    const response = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a' });
    expect(response.json.error.reason).toBe(
      `Resource not found at [${service.mock.url}/v1/models/text-embedding-004:batchEmbedContents] for request from inference entity id [${id}] status [404]. Error message: [Requested entity was not found.]`,
    );
  });

  test("a stream's 404 names the streaming URL without the key nor alt", async () => {
    const id = newId('gais-key-stream-404');
    await createEndpoint(service, 'completion', id, body('completion'));
    service.mock.enqueueFault('generate', { kind: 'status', status: 404 });
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'hi' });
    expectEventStream(response, 404);
    expect(onlyErrorFrame(response).error.reason).toMatch(
      new RegExp(`^Resource not found at \\[${service.mock.url}/v1/models/gemini-2\\.0-flash:streamGenerateContent\\] for request`),
    );
  });

  test('a stream cut mid-way: the error event names the URL with the key redacted', async () => {
    const id = newId('gais-key-drop');
    await createEndpoint(service, 'completion', id, body('completion'));
    service.mock.enqueueFault('generate', { kind: 'streamThenDrop', chunks: 1 });
    service.mock.frameDelayMs = 20;
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'hi' });
    const last = framesOf(response.text).at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data).error.reason).toContain(
      `Failed to send request from inference entity id [${id}] to [${service.mock.url}/v1/models/gemini-2.0-flash:streamGenerateContent?key=[REDACTED]&alt=sse]`,
    );
  });

  test('an unreadable answer (a 500, logged at error level) holds no key', async () => {
    const id = newId('gais-key-500');
    await createEndpoint(service, 'completion', id, body('completion'));
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('generate', { kind: 'malformed' });
    const response = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    expect(response.status).toBe(500);
  });
});

describe('without the mock', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    if (server) expectNothingHoldsTheKey(server);
    await server?.stop();
    server = undefined;
  });

  test('an unreachable Google: the connection error names the URL with the key redacted', async () => {
    const origin = `http://127.0.0.1:${await closedPort()}`;
    server = await startTestServer({ upstreamOrigins: { googleaistudio: origin } });
    const id = newId('gais-key-down');
    const put = await server.call('PUT', `/_inference/text_embedding/${id}`, body('text_embedding'));
    expect(put.status).toBe(400);
    expect(put.json.error.caused_by.reason).toMatch(
      new RegExp(`^Failed to send request from inference entity id \\[${id}\\] to \\[${origin}/v1/models/text-embedding-004:batchEmbedContents\\?key=\\[REDACTED\\]\\]: `),
    );
  });

  test('a host the allow-list refuses: the refusal names the URL with the key redacted', async () => {
    server = await startTestServer({ allowedUpstreamHosts: parseHostPatterns('api.example.com'), skipValidation: true });
    const id = newId('gais-key-refused');
    expect((await server.call('PUT', `/_inference/completion/${id}`, body('completion'))).status).toBe(200);
    const response = await postRaw(server, `/_inference/completion/${id}/_stream`, { input: 'hi' });
    expect(response.status).toBe(400);
    expect(onlyErrorFrame(response).error.reason).toBe(
      'Invalid url [https://generativelanguage.googleapis.com/v1/models/gemini-2.0-flash:streamGenerateContent?key=[REDACTED]&alt=sse] received. ' +
        'The host [generativelanguage.googleapis.com] is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS',
    );
  });
});
