/**
 * The request examples of the Elasticsearch specification (reference data in ../shared/reference/spec-examples) as
 * acceptance tests: every PUT example of a service infergate implements (all the spec defines) is accepted and
 * answered without secrets, and every POST example of text_embedding / completion / stream_completion /
 * chat_completion_unified works against an endpoint backed by a mock (openai's, nvidia's for embeddings).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDocument } from '../../server/openapi/document';
import { ServiceCatalog } from '../../server/openapi/service-catalog';
import { buildTestModels, localModelsConfig } from '../support/local-models';
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import type { OpenAiWireMock } from '../support/mock-provider/openai-wire-mock';
import { startTestServer, type TestResponse, type TestServer } from '../support/server';
import { NVIDIA_API_KEY, startMockNvidia } from '../providers/nvidia/mock-nvidia';

interface SpecExample {
  file: string;
  api_dir: string;
  kind: 'request' | 'response';
  method_request: string | null;
  value_json_valid: boolean;
  value: unknown;
  historical: boolean;
}

function indexPath(): string {
  const relative = path.join('..', 'shared', 'reference', 'spec-examples', 'index.json');
  const candidates = [path.resolve(__dirname, '..', '..', relative), path.resolve(process.cwd(), relative)];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

const EXAMPLES: SpecExample[] = (JSON.parse(readFileSync(indexPath(), 'utf8')) as { examples: SpecExample[] }).examples;
const REQUESTS = EXAMPLES.filter((e) => e.kind === 'request' && e.value_json_valid && !e.historical);

/** Every service the spec defines (and so the server implements). */
const IMPLEMENTED_SERVICES = new ServiceCatalog(loadDocument()).all().map((service) => service.name);
const serviceOf = (example: SpecExample): unknown => (example.value as { service?: unknown } | null)?.service;

const PUT_EXAMPLES = REQUESTS.filter(
  (e) => e.api_dir.startsWith('put') && e.api_dir !== 'put_region_policy' && IMPLEMENTED_SERVICES.includes(String(serviceOf(e))),
);
const POST_EXAMPLES = REQUESTS.filter((e) => ['text_embedding', 'completion', 'stream_completion', 'chat_completion_unified'].includes(e.api_dir));
const EMBEDDING_EXAMPLES = REQUESTS.filter((e) => e.api_dir === 'embedding');

/** `PUT _inference/text_embedding/openai-embeddings` → method, `/_inference/text_embedding/openai-embeddings`, parts.
 * Two examples spell the task type `chat-completion` (reference §14), which Elasticsearch itself would refuse. */
function parseMethodRequest(methodRequest: string | null): { method: string; path: string; segments: string[] } {
  const corrected = (methodRequest ?? '').replace('/chat-completion/', '/chat_completion/');
  const match = /^(GET|PUT|POST|DELETE)\s+\/?(\S+)$/.exec(corrected.trim());
  if (!match) throw new Error(`unexpected method_request [${methodRequest}]`);
  const pathOnly = `/${match[2]}`;
  return { method: match[1], path: pathOnly, segments: pathOnly.split('?')[0].split('/').filter(Boolean) };
}

/** Examples Elasticsearch itself refuses, with its reason: Voyage AI's leave out the api_key its service requires. */
const MISSING_API_KEY = 'Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];';
const REFUSED_BY_ELASTICSEARCH: Readonly<Record<string, string>> = {
  'put_voyageai/examples/request/PutVoyageAIRequestExample1.yaml': MISSING_API_KEY,
  'put_voyageai/examples/request/PutVoyageAIRequestExample2.yaml': MISSING_API_KEY,
};

const label = (example: SpecExample) => `${example.file.replace(/^spec-examples\//, '')} (${example.method_request})`;

const SECRET_FIELDS = ['api_key', 'client_secret', 'secret_key', 'access_key', 'service_account_json', 'secret_parameters'];

function keysDeep(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) keysDeep(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.push(key);
      keysDeep(inner, into);
    }
  }
  return into;
}

/** The secret values of an example's service_settings (to check they are not echoed). */
function secretValues(example: SpecExample): string[] {
  const settings = (example.value as { service_settings?: Record<string, unknown> }).service_settings ?? {};
  return SECRET_FIELDS.map((field) => settings[field]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The `data:` payloads of an event stream, and whether an `error` event occurred. */
function events(text: string): { data: string[]; errors: number } {
  const lines = text.split('\n').map((line) => line.replace(/^\uFEFF/, ''));
  return {
    data: lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length)),
    errors: lines.filter((l) => l === 'event: error').length,
  };
}

test('the example index was read and the selections are not empty', () => {
  expect(EXAMPLES.length).toBeGreaterThan(100);
  expect(EMBEDDING_EXAMPLES.length).toBeGreaterThan(0);
  // Every implemented service that the specification gives examples for is exercised.
  const withExamples = new Set(REQUESTS.filter((e) => e.api_dir.startsWith('put')).map((e) => String(serviceOf(e))));
  expect(new Set(PUT_EXAMPLES.map((e) => serviceOf(e)))).toEqual(new Set(IMPLEMENTED_SERVICES.filter((name) => withExamples.has(name))));
  expect(new Set(POST_EXAMPLES.map((e) => e.api_dir))).toEqual(
    new Set(['text_embedding', 'completion', 'stream_completion', 'chat_completion_unified']),
  );
});

describe('PUT examples of the implemented services (provider validation skipped)', () => {
  let server: TestServer;
  let created: string | undefined;

  beforeAll(async () => {
    server = await startTestServer(localModelsConfig(buildTestModels(), { skipValidation: true }));
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    if (created) expect((await server.call('DELETE', `/_inference/${created}`)).status).toBe(200);
    created = undefined;
  });

  test.each(PUT_EXAMPLES.map((e) => [label(e), e] as const))('%s → 200 without secrets', async (_label, example) => {
    const { method, path: pathAndQuery, segments } = parseMethodRequest(example.method_request);
    expect(method).toBe('PUT');
    const inferenceId = segments.at(-1)!;
    const body = example.value as { service: string; task_type?: string };
    const taskType = segments.length === 3 ? segments[1] : body.task_type;

    const response = await server.call('PUT', pathAndQuery, body);
    const refusal = REFUSED_BY_ELASTICSEARCH[example.file.replace(/^spec-examples\//, '')];
    if (refusal) {
      expect({ status: response.status, type: response.json.error.type, reason: response.json.error.reason }).toEqual({
        status: 400,
        type: 'validation_exception',
        reason: refusal,
      });
      return;
    }
    expect({ status: response.status, error: response.json?.error }).toEqual({ status: 200, error: undefined });
    if (response.status === 200) created = inferenceId;

    expect(response.json).toMatchObject({
      inference_id: inferenceId,
      task_type: taskType,
      service: body.service === 'elser' ? 'elasticsearch' : body.service,
      service_settings: expect.any(Object),
    });
    const keys = keysDeep(response.json);
    for (const field of SECRET_FIELDS) expect(keys).not.toContain(field);
    for (const secret of secretValues(example)) expect(response.text).not.toContain(secret);

    const fetched = await server.call('GET', `/_inference/${inferenceId}`);
    expect(fetched.status).toBe(200);
    expect(fetched.json.endpoints).toEqual([response.json]);
  });
});

describe('POST examples against endpoints backed by mocks', () => {
  let mock: MockOpenAi;
  // The text_embedding example (written for Cohere) gives an input_type, which OpenAI's endpoints refuse: NVIDIA's take it.
  let nvidia: OpenAiWireMock;
  let server: TestServer;
  let created: string | undefined;

  beforeAll(async () => {
    mock = await startMockOpenAi();
    nvidia = await startMockNvidia();
    server = await startTestServer({ upstreamOrigins: { nvidia: nvidia.url } });
  });
  afterAll(async () => {
    await server?.stop();
    await mock?.close();
    await nvidia?.close();
  });
  afterEach(async () => {
    if (created) expect((await server.call('DELETE', `/_inference/${created}`)).status).toBe(200);
    created = undefined;
    mock.reset();
    nvidia.reset();
  });

  async function createEndpointFor(taskType: string, inferenceId: string): Promise<void> {
    const body =
      taskType === 'text_embedding'
        ? { service: 'nvidia', service_settings: { api_key: NVIDIA_API_KEY, model_id: 'nvidia/llama-3.2-nv-embedqa-1b-v2' } }
        : { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl } };
    const response = await server.call('PUT', `/_inference/${taskType}/${inferenceId}`, body);
    expect(response.status).toBe(200);
    created = inferenceId;
  }

  function expectStream(response: TestResponse): string[] {
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { data, errors } = events(response.text);
    expect(errors).toBe(0);
    expect(data.length).toBeGreaterThan(1);
    expect(data.at(-1)).toBe('[DONE]');
    return data.slice(0, -1);
  }

  test.each(POST_EXAMPLES.map((e) => [label(e), e] as const))('%s → 200', async (_label, example) => {
    const { method, path: pathAndQuery, segments } = parseMethodRequest(example.method_request);
    expect(method).toBe('POST');
    // _inference/{task_type}/{id}[/_stream]
    const [, taskType, inferenceId] = segments;
    await createEndpointFor(taskType, inferenceId);

    const response = await server.call('POST', pathAndQuery, example.value);
    expect({ status: response.status, body: response.status === 200 ? undefined : response.text }).toEqual({ status: 200, body: undefined });

    const body = example.value as { input?: string | string[]; messages?: unknown[]; model?: string };
    switch (example.api_dir) {
      case 'text_embedding': {
        const inputs = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
        expect(response.json.text_embedding).toHaveLength(inputs.length);
        for (const item of response.json.text_embedding) expect(item.embedding.length).toBeGreaterThan(0);
        expect(nvidia.requestsTo('embeddings').at(-1)?.body).toMatchObject({ input: inputs });
        break;
      }
      case 'completion':
        expect(response.json).toEqual({ completion: [{ result: `Echo: ${String(body.input)}` }] });
        break;
      case 'stream_completion': {
        const deltas = expectStream(response).map((d) => JSON.parse(d) as { completion: Array<{ delta: string }> });
        expect(deltas.flatMap((d) => d.completion.map((c) => c.delta)).join('')).toBe(`Echo: ${String(body.input)}`);
        break;
      }
      case 'chat_completion_unified': {
        const chunks = expectStream(response).map((d) => JSON.parse(d) as { object: string });
        for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
        const upstream = mock.requestsTo('chat').at(-1)?.body as { messages: unknown[]; model: string; stream: boolean };
        expect(upstream.stream).toBe(true);
        expect(upstream.messages).toHaveLength(body.messages?.length ?? 0);
        expect(upstream.model).toBe(body.model ?? 'gpt-4o-mini');
        break;
      }
      default:
        throw new Error(`unexpected api_dir ${example.api_dir}`);
    }
  });

  /** OpenAI's embeddings API embeds text: its `embedding` endpoints take the text example and refuse the images. */
  test.each(EMBEDDING_EXAMPLES.map((e) => [label(e), e] as const))('%s on an openai embedding endpoint', async (_label, example) => {
    const { path: pathAndQuery, segments } = parseMethodRequest(example.method_request);
    const put = await server.call('PUT', `/_inference/embedding/${segments.at(-1)}`, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
    });
    expect(put.status).toBe(200);
    created = segments.at(-1);
    const response = await server.call('POST', pathAndQuery, example.value);
    const textOnly = !JSON.stringify(example.value).includes('"image"');
    if (textOnly) {
      expect(response.status).toBe(200);
      expect(response.json.embeddings).toHaveLength((example.value as { input: unknown[] }).input.length);
    } else {
      expect(response.status).toBe(400);
      expect(response.json.error.reason).toBe('The openai service does not support embedding with non-text inputs');
    }
  });
});
