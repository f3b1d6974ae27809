/**
 * The OpenAI-compatible surface driven by the official `openai` SDK: embeddings (base64, as the SDK asks by
 * default, and float) from a remote and a local endpoint, chat completions streamed and not on chat_completion and
 * completion endpoints, the model list, rerank in Cohere's shape, and errors in OpenAI's envelope as the SDK's
 * typed errors.
 */
import OpenAI from 'openai';
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { buildTestModels, localModelsConfig } from '../support/local-models';
import { startTestServer, type TestServer } from '../support/server';

let mock: MockOpenAi;
let server: TestServer;
let sdk: OpenAI;

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer(localModelsConfig(buildTestModels(), { upstreamOrigins: { openai: mock.url } }));
  sdk = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed-with-security-off', maxRetries: 0 });
  const settings = (model_id: string) => ({ service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id } });
  for (const [taskType, id, model] of [
    ['text_embedding', 'oa-embed', 'text-embedding-3-small'],
    ['chat_completion', 'oa-chat', 'gpt-4o-mini'],
    ['completion', 'oa-complete', 'gpt-4o-mini'],
  ]) {
    const put = await server.call('PUT', `/_inference/${taskType}/${id}`, settings(model));
    expect({ id, status: put.status }).toEqual({ id, status: 200 });
  }
});
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

const esEmbeddings = async (id: string, input: string[]) =>
  ((await server.call('POST', `/_inference/text_embedding/${id}`, { input })).json.text_embedding as { embedding: number[] }[]).map((entry) => entry.embedding);

test.each(['oa-embed', '.multilingual-e5-small-elasticsearch'])('embeddings of %s: the same vectors as the inference API, base64 or float', async (id) => {
  const input = ['The stock market fell today.', 'Bananas are yellow.'];
  const expected = (await esEmbeddings(id, input)).map((vector) => vector.map((value) => Math.fround(value)));
  const base64 = await sdk.embeddings.create({ model: id, input });
  expect(base64.object).toBe('list');
  expect(base64.model).toBe(id);
  expect(base64.data.map((entry) => entry.index)).toEqual([0, 1]);
  expect(base64.data.map((entry) => entry.embedding)).toEqual(expected);
  const float = await sdk.embeddings.create({ model: id, input: input[0], encoding_format: 'float' });
  expect(float.data[0].embedding.map((value) => Math.fround(value))).toEqual(expected[0]);
});

test('chat completions on a chat_completion endpoint, streamed and not; the endpoint keeps its model', async () => {
  const answer = await sdk.chat.completions.create({ model: 'oa-chat', messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 20 });
  expect(answer.object).toBe('chat.completion');
  expect(answer.choices[0].message.role).toBe('assistant');
  expect(typeof answer.choices[0].message.content).toBe('string');
  const sent = mock.requestsTo('chat').at(-1)!.body as Record<string, unknown>;
  expect(sent.model).toBe('gpt-4o-mini');
  expect(sent.max_completion_tokens).toBe(20);

  const stream = await sdk.chat.completions.create({ model: 'oa-chat', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  expect(text).toBe(answer.choices[0].message.content);
});

test('chat completions on a completion endpoint: one user message, streamed and not', async () => {
  const answer = await sdk.chat.completions.create({ model: 'oa-complete', messages: [{ role: 'user', content: 'Say hello' }] });
  expect(answer.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant' } });
  const stream = await sdk.chat.completions.create({ model: 'oa-complete', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunks[0].choices[0].delta.role).toBe('assistant');
  expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe(answer.choices[0].message.content);

  const refused = await sdk.chat.completions
    .create({ model: 'oa-complete', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }] })
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
  expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
});

test('the model list names every endpoint and its service', async () => {
  const ids = new Map<string, string>();
  for await (const model of sdk.models.list()) ids.set(model.id, model.owned_by);
  expect(ids.get('oa-embed')).toBe('openai');
  expect(ids.get('.rerank-v1-elasticsearch')).toBe('elasticsearch');
});

test("rerank in Cohere's shape on the local rerank endpoint", async () => {
  const documents = ['Bananas are yellow.', 'Paris is the capital and largest city of France.', 'The stock market fell today.'];
  const response = await fetch(`${server.url}/v1/rerank`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: '.rerank-v1-elasticsearch', query: 'What is the capital of France?', documents, top_n: 2, return_documents: true }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { model: string; results: { index: number; relevance_score: number; document?: { text: string } }[] };
  expect(body.model).toBe('.rerank-v1-elasticsearch');
  expect(body.results).toHaveLength(2);
  expect(body.results[0]).toEqual({ index: 1, relevance_score: expect.any(Number), document: { text: documents[1] } });
});

test("errors are OpenAI's: an unknown model, a wrong endpoint, an unknown field, a provider's refusal", async () => {
  const missing = await sdk.embeddings.create({ model: 'nope', input: 'x' }).catch((error: unknown) => error);
  expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');

  const wrong = await sdk.embeddings.create({ model: 'oa-chat', input: 'x' }).catch((error: unknown) => error);
  expect(wrong).toBeInstanceOf(OpenAI.BadRequestError);
  expect((wrong as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');

  const unknownField = await fetch(`${server.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'oa-embed', input: 'x', temperature: 1 }),
  });
  expect(unknownField.status).toBe(400);
  expect(await unknownField.json()).toEqual({
    error: { message: 'Unrecognized request argument supplied: temperature', param: 'temperature', type: 'invalid_request_error' },
  });

  mock.enqueueFault('chat', { kind: 'status', status: 401 });
  const refused = await sdk.chat.completions.create({ model: 'oa-chat', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((refused as Error).message).toContain('Received an authentication error status code for request from inference entity id [oa-chat] status [401]');
  expect((refused as Error).message).not.toContain(DEFAULT_API_KEY);
});

test('a provider error in the middle of a stream reaches the SDK as an error event', async () => {
  mock.enqueueFault('chat', { kind: 'streamError', chunks: 2, message: 'The server had an error while processing your request.' });
  const stream = await sdk.chat.completions.create({ model: 'oa-chat', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
  const seen: string[] = [];
  const failure = await (async () => {
    for await (const chunk of stream) seen.push(chunk.choices[0]?.delta?.content ?? '');
  })().catch((error: unknown) => error);
  expect(seen.length).toBeGreaterThan(0);
  expect(failure).toBeInstanceOf(OpenAI.APIError);
  expect((failure as Error).message).toContain('The server had an error while processing your request.');
});
