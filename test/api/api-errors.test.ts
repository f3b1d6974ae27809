/**
 * Table-driven checks of the errors (status, `error.type`, exact `error.reason`) of reference §10, plus the generic
 * HTTP behaviour of reference §1 (body rules, size limit, `pretty`, `filter_path`, vendor media types, the product
 * header), `_update` (§2.7), `_services` (§2.8), DELETE dry_run, persistence, concurrent creation and file modes.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { expectSimpleEsError } from '../support/assertions';
import { startTestServer, type TestResponse, type TestServer } from '../support/server';

let mock: MockOpenAi;
let server: TestServer;

/** Every response carries `X-Elastic-Product: Elasticsearch` (reference §1.1), so every call checks it. */
async function call(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse> {
  const response = await server.call(method, pathAndQuery, body, headers);
  expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
  return response;
}

/**
 * The first requests after `server.restart()` can land on keep-alive sockets that the stopped server closed (fetch
 * does not retry them): retried on such a transport failure only, never on an HTTP answer.
 */
async function callAfterRestart(method: string, pathAndQuery: string, body?: unknown): Promise<TestResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(method, pathAndQuery, body);
    } catch (error) {
      // fetch's TypeError comes from another realm than Jest's, hence no instanceof.
      if ((error as Error)?.message !== 'fetch failed' || attempt >= 5) throw error;
    }
  }
}

/** The Elasticsearch envelope of a simple (cause-less) error, compared as a whole. */
const FAKE_URL = 'http://127.0.0.1:9/v1/embeddings';
const settings = (extra: Record<string, unknown> = {}) => ({
  api_key: DEFAULT_API_KEY,
  model_id: 'text-embedding-3-small',
  url: FAKE_URL,
  ...extra,
});
const openAi = (extra: Record<string, unknown> = {}) => ({ service: 'openai', service_settings: settings(), ...extra });
const chunking = (chunkingSettings: Record<string, unknown>) => openAi({ chunking_settings: chunkingSettings });

const STATUS = 'status_exception';
const VALIDATION = 'validation_exception';
const ACTION_VALIDATION = 'action_request_validation_exception';
const NOT_FOUND = 'resource_not_found_exception';
const invalidId = (id: string) =>
  `Validation Failed: 1: Invalid inference_id; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric;`;

interface ErrorCase {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  type: string;
  reason: string;
}

/** `existing-emb` (text_embedding) and `existing-cmp` (completion) exist; `err-target` never does. */
const ERROR_CASES: ErrorCase[] = [
  // --- path: task type and id (§1.1, §1.4)
  { name: 'PUT unknown task type in path', method: 'PUT', path: '/_inference/bogus/err-target', body: openAi(), status: 400, type: STATUS, reason: 'Unknown task_type [bogus]' },
  { name: 'GET unknown task type in path', method: 'GET', path: '/_inference/bogus/existing-emb', status: 400, type: STATUS, reason: 'Unknown task_type [bogus]' },
  { name: 'POST unknown task type in path', method: 'POST', path: '/_inference/bogus/existing-emb', body: { input: 'a' }, status: 400, type: STATUS, reason: 'Unknown task_type [bogus]' },
  { name: 'DELETE unknown task type in path', method: 'DELETE', path: '/_inference/bogus/existing-emb', status: 400, type: STATUS, reason: 'Unknown task_type [bogus]' },
  { name: 'invalid id: upper case', method: 'PUT', path: '/_inference/text_embedding/Bad_ID', body: openAi(), status: 400, type: ACTION_VALIDATION, reason: invalidId('Bad_ID') },
  { name: 'invalid id: trailing hyphen', method: 'PUT', path: '/_inference/text_embedding/trailing-', body: openAi(), status: 400, type: ACTION_VALIDATION, reason: invalidId('trailing-') },
  { name: 'invalid id: leading hyphen, single-segment path', method: 'PUT', path: '/_inference/-lead', body: openAi({ task_type: 'text_embedding' }), status: 400, type: ACTION_VALIDATION, reason: invalidId('-lead') },
  { name: 'invalid id: _all', method: 'PUT', path: '/_inference/text_embedding/_all', body: openAi(), status: 400, type: ACTION_VALIDATION, reason: invalidId('_all') },
  { name: 'invalid id on _update', method: 'PUT', path: '/_inference/Bad_ID/_update', body: { task_settings: {} }, status: 400, type: ACTION_VALIDATION, reason: invalidId('Bad_ID') },

  // --- PUT: task type resolution, service, settings (§2.1, §8)
  { name: 'PUT without task type', method: 'PUT', path: '/_inference/err-target', body: openAi(), status: 400, type: STATUS, reason: 'model is missing required setting [task_type]' },
  { name: 'PUT URL vs body task type conflict', method: 'PUT', path: '/_inference/completion/err-target', body: openAi({ task_type: 'text_embedding' }), status: 400, type: STATUS, reason: 'Cannot resolve conflicting task_type parameter in the request URL [completion] and the request body [text_embedding]' },
  { name: 'PUT body task_type any', method: 'PUT', path: '/_inference/err-target', body: openAi({ task_type: 'any' }), status: 400, type: STATUS, reason: 'task_type [any] is not valid type for inference' },
  { name: 'PUT body task_type unknown', method: 'PUT', path: '/_inference/err-target', body: openAi({ task_type: 'bogus' }), status: 400, type: STATUS, reason: 'Unknown task_type [bogus]' },
  { name: 'PUT missing service', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service_settings: settings() }, status: 400, type: STATUS, reason: 'Inference endpoint configuration is missing the [service] setting' },
  { name: 'PUT unknown service', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'nope', service_settings: settings() }, status: 400, type: STATUS, reason: 'Unknown service [nope]' },
  { name: 'PUT task type unsupported by the service', method: 'PUT', path: '/_inference/rerank/err-target', body: openAi(), status: 400, type: STATUS, reason: 'The [openai] service does not support task type [rerank]' },
  { name: 'PUT missing service_settings', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai' }, status: 400, type: STATUS, reason: 'Missing required field [service_settings]' },
  { name: 'PUT missing model_id', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY } }, status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [service_settings] does not contain the required setting [model_id];' },
  { name: 'PUT missing api_key', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: { model_id: 'text-embedding-3-small' } }, status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];' },
  { name: 'PUT unknown service setting', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ bogus: 1 }) }, status: 400, type: STATUS, reason: 'Model configuration contains settings [{bogus=1}] unknown to the [openai] service' },
  { name: 'PUT several unknown service settings', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ bogus: 1, other: 'x' }) }, status: 400, type: STATUS, reason: 'Model configuration contains settings [{bogus=1, other=x}] unknown to the [openai] service' },
  { name: 'PUT unknown task setting', method: 'PUT', path: '/_inference/text_embedding/err-target', body: openAi({ task_settings: { bogus: 1 } }), status: 400, type: STATUS, reason: 'Model configuration contains settings [{bogus=1}] unknown to the [openai] service' },
  { name: 'PUT unknown top-level key', method: 'PUT', path: '/_inference/text_embedding/err-target', body: openAi({ extra: 1 }), status: 400, type: STATUS, reason: 'Model configuration contains settings [{extra=1}] unknown to the [openai] service' },
  { name: 'PUT unknown key inside rate_limit', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ rate_limit: { requests_per_minute: 10, foo: 1 } }) }, status: 400, type: STATUS, reason: 'Model configuration contains settings [{foo=1}] unknown to the [openai] service' },
  { name: 'PUT chunking_settings on a completion endpoint', method: 'PUT', path: '/_inference/completion/err-target', body: chunking({ strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 }), status: 400, type: STATUS, reason: 'Model configuration contains settings [{chunking_settings={strategy=sentence, max_chunk_size=250, sentence_overlap=1}}] unknown to the [openai] service' },
  { name: 'PUT wrong JSON type (dimensions as a string)', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ dimensions: '128' }) }, status: 400, type: VALIDATION, reason: 'Validation Failed: 1: field [dimensions] is not of the expected type. The value [128] cannot be converted to a [Integer];' },
  { name: 'PUT bad enum value', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ similarity: 'foo' }) }, status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [service_settings] Invalid value [foo] received. [similarity] must be one of [cosine, dot_product, l2_norm];' },
  { name: 'PUT non-positive dimensions', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ dimensions: 0 }) }, status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [service_settings] Invalid value [0]. [dimensions] must be a positive integer;' },
  { name: 'PUT non-positive rate limit', method: 'PUT', path: '/_inference/text_embedding/err-target', body: { service: 'openai', service_settings: settings({ rate_limit: { requests_per_minute: 0 } }) }, status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [rate_limit] Invalid value [0]. [requests_per_minute] must be a positive long;' },

  // --- chunking_settings (§6)
  { name: 'chunking without strategy', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ max_chunk_size: 100 }), status: 400, type: 'illegal_argument_exception', reason: "Can't generate Chunker without ChunkingStrategy provided" },
  { name: 'chunking unknown strategy', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'bogus' }), status: 400, type: 'illegal_argument_exception', reason: 'Invalid chunkingStrategy bogus' },
  { name: 'chunking sentence with extra keys', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'sentence', max_chunk_size: 100, foo: 1, overlap: 2 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: Sentence based chunking settings can not have the following settings: [foo, overlap];' },
  { name: 'chunking word with extra keys', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'word', max_chunk_size: 100, overlap: 10, sentence_overlap: 1 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: Word based chunking settings can not have the following settings: [sentence_overlap];' },
  { name: 'chunking word overlap above half the chunk size', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'word', max_chunk_size: 100, overlap: 51 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [chunking_settings] Invalid value [51]. [overlap] must be a less than or equal to [50.0];' },
  { name: 'chunking word without overlap', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'word', max_chunk_size: 100 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [chunking_settings] does not contain the required setting [overlap];' },
  { name: 'chunking sentence without max_chunk_size', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'sentence' }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [chunking_settings] does not contain the required setting [max_chunk_size];' },
  { name: 'chunking word max_chunk_size too small', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'word', max_chunk_size: 5, overlap: 1 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [chunking_settings] Invalid value [5]. [max_chunk_size] must be a greater than or equal to [10.0];' },
  { name: 'chunking word max_chunk_size too large', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'word', max_chunk_size: 400, overlap: 10 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: [chunking_settings] Invalid value [400]. [max_chunk_size] must be a less than or equal to [300.0];' },
  { name: 'chunking sentence_overlap not 0 or 1', method: 'PUT', path: '/_inference/text_embedding/err-target', body: chunking({ strategy: 'sentence', max_chunk_size: 100, sentence_overlap: 2 }), status: 400, type: VALIDATION, reason: 'Validation Failed: 1: sentence_overlap[2] must be either 0 or 1;' },

  // --- existing / missing endpoints (§1.4, §2.2–2.4)
  { name: 'PUT an id that exists', method: 'PUT', path: '/_inference/text_embedding/existing-emb', body: openAi(), status: 400, type: 'resource_already_exists_exception', reason: 'Inference endpoint [existing-emb] already exists' },
  { name: 'PUT an id that exists under another task type', method: 'PUT', path: '/_inference/completion/existing-emb', body: openAi(), status: 400, type: 'resource_already_exists_exception', reason: 'Inference endpoint [existing-emb] already exists' },
  { name: 'GET not found', method: 'GET', path: '/_inference/err-target', status: 404, type: NOT_FOUND, reason: 'Inference endpoint not found [err-target]' },
  { name: 'GET with task type, not found', method: 'GET', path: '/_inference/text_embedding/err-target', status: 404, type: NOT_FOUND, reason: 'Inference endpoint not found [err-target]' },
  { name: 'POST not found', method: 'POST', path: '/_inference/err-target', body: { input: 'a' }, status: 404, type: NOT_FOUND, reason: 'Inference endpoint not found [err-target]' },
  { name: 'DELETE not found', method: 'DELETE', path: '/_inference/err-target', status: 404, type: NOT_FOUND, reason: 'Inference endpoint not found [err-target]' },
  { name: 'GET task type mismatch', method: 'GET', path: '/_inference/completion/existing-emb', status: 400, type: STATUS, reason: "Requested task type [completion] does not match the inference endpoint's task type [text_embedding]" },
  { name: 'DELETE task type mismatch', method: 'DELETE', path: '/_inference/completion/existing-emb', status: 400, type: STATUS, reason: "Requested task type [completion] does not match the inference endpoint's task type [text_embedding]" },
  { name: 'POST task type mismatch', method: 'POST', path: '/_inference/completion/existing-emb', body: { input: 'a' }, status: 400, type: STATUS, reason: 'Incompatible task_type, the requested type [completion] does not match the model type [text_embedding]' },
  { name: 'POST task type mismatch (sparse_embedding)', method: 'POST', path: '/_inference/sparse_embedding/existing-cmp', body: { input: 'a' }, status: 400, type: STATUS, reason: 'Incompatible task_type, the requested type [sparse_embedding] does not match the model type [completion]' },

  // --- POST bodies (§2.4)
  { name: 'POST input null', method: 'POST', path: '/_inference/existing-emb', body: { input: null }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [input] cannot be null;' },
  { name: 'POST input missing', method: 'POST', path: '/_inference/existing-emb', body: {}, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [input] cannot be null;' },
  { name: 'POST input empty array', method: 'POST', path: '/_inference/existing-emb', body: { input: [] }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [input] cannot be an empty array;' },
  { name: 'POST input empty array (text_embedding route)', method: 'POST', path: '/_inference/text_embedding/existing-emb', body: { input: [] }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [input] cannot be an empty array;' },
  { name: 'POST top_n on text_embedding (task type in URL)', method: 'POST', path: '/_inference/text_embedding/existing-emb', body: { input: 'a', top_n: 1 }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [top_n] cannot be specified for task type [text_embedding];' },
  { name: 'POST return_documents on text_embedding (generic route)', method: 'POST', path: '/_inference/existing-emb', body: { input: 'a', return_documents: true }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [return_documents] cannot be specified for task type [text_embedding];' },
  { name: 'POST both rerank-only fields on text_embedding', method: 'POST', path: '/_inference/text_embedding/existing-emb', body: { input: 'a', return_documents: false, top_n: 2 }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [return_documents] cannot be specified for task type [text_embedding];2: Field [top_n] cannot be specified for task type [text_embedding];' },
  { name: 'POST input_type on completion', method: 'POST', path: '/_inference/completion/existing-cmp', body: { input: 'a', input_type: 'search' }, status: 400, type: ACTION_VALIDATION, reason: 'Validation Failed: 1: Field [input_type] cannot be specified for task type [completion];' },
  { name: 'POST unknown field', method: 'POST', path: '/_inference/existing-emb', body: { input: 'a', foo: 1 }, status: 400, type: 'x_content_parse_exception', reason: '[1:14] [cluster:internal/xpack/inference] unknown field [foo]' },
  { name: 'POST unknown field on a later line', method: 'POST', path: '/_inference/existing-emb', body: '{\n  "input": "a",\n  "foo": 1\n}', status: 400, type: 'x_content_parse_exception', reason: '[3:3] [cluster:internal/xpack/inference] unknown field [foo]' },

  // --- requests without a body (§1.1)
  { name: 'PUT without a body', method: 'PUT', path: '/_inference/text_embedding/err-target', status: 400, type: 'parse_exception', reason: 'request body is required' },
  { name: 'POST without a body', method: 'POST', path: '/_inference/existing-emb', status: 400, type: 'parse_exception', reason: 'request body is required' },
  { name: '_update without a body', method: 'PUT', path: '/_inference/existing-emb/_update', status: 400, type: 'parse_exception', reason: 'request body is required' },

  // --- _update (§2.7)
  { name: '_update empty body', method: 'PUT', path: '/_inference/existing-emb/_update', body: {}, status: 400, type: STATUS, reason: 'Request body is empty' },
  { name: '_update with service', method: 'PUT', path: '/_inference/existing-emb/_update', body: { service: 'openai' }, status: 400, type: STATUS, reason: 'Request contained fields which cannot be updated, remove these fields and try again [{service=openai}]' },
  { name: '_update with several refused fields', method: 'PUT', path: '/_inference/existing-emb/_update', body: { service: 'openai', foo: 1, task_settings: { user: 'x' } }, status: 400, type: STATUS, reason: 'Request contained fields which cannot be updated, remove these fields and try again [{service=openai, foo=1}]' },
  { name: '_update service_settings not an object', method: 'PUT', path: '/_inference/existing-emb/_update', body: { service_settings: 'x' }, status: 400, type: STATUS, reason: 'Unable to parse service settings in the request [{service_settings=x}]' },
  { name: '_update task_settings not an object', method: 'PUT', path: '/_inference/existing-emb/_update', body: { task_settings: [1] }, status: 400, type: STATUS, reason: 'Unable to parse task settings in the request [{task_settings=[1]}]' },
  { name: '_update not found', method: 'PUT', path: '/_inference/err-target/_update', body: { task_settings: { user: 'u' } }, status: 404, type: NOT_FOUND, reason: 'The inference endpoint [err-target] does not exist and cannot be updated' },
  { name: '_update not found (task type in path)', method: 'PUT', path: '/_inference/text_embedding/err-target/_update', body: { task_settings: { user: 'u' } }, status: 404, type: NOT_FOUND, reason: 'The inference endpoint [err-target] does not exist and cannot be updated' },
  { name: '_update task type mismatch in the URL', method: 'PUT', path: '/_inference/completion/existing-emb/_update', body: { task_settings: { user: 'u' } }, status: 400, type: STATUS, reason: 'Task type must match the task type of the existing endpoint' },
  { name: '_update task type mismatch in the body', method: 'PUT', path: '/_inference/existing-emb/_update', body: { task_type: 'completion', task_settings: { user: 'u' } }, status: 400, type: STATUS, reason: 'Task type must match the task type of the existing endpoint' },
  { name: '_update unknown task setting', method: 'PUT', path: '/_inference/existing-emb/_update', body: { task_settings: { bogus: 1 } }, status: 400, type: STATUS, reason: 'Model configuration contains settings [{bogus=1}] unknown to the [openai] service' },

  // --- _services (§2.8)
  { name: '_services unknown task type', method: 'GET', path: '/_inference/_services/bogus', status: 400, type: STATUS, reason: 'Unknown task_type [bogus]' },
];

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer({ skipValidation: true });
  const created = await Promise.all([
    call('PUT', '/_inference/text_embedding/existing-emb', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
    }),
    call('PUT', '/_inference/completion/existing-cmp', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
    }),
  ]);
  expect(created.map((r) => r.status)).toEqual([200, 200]);
});

afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

describe('errors of reference §10', () => {
  test.each(ERROR_CASES)('$name → $status $type', async ({ method, path: pathAndQuery, body, status, type, reason }) => {
    expectSimpleEsError(await call(method, pathAndQuery, body), status, type, reason);
  });

  test('no failed request created or changed anything', async () => {
    const all = await call('GET', '/_inference');
    expect(all.json.endpoints.map((e: { inference_id: string }) => e.inference_id)).toEqual([
      '.elser-2-elasticsearch',
      '.multilingual-e5-small-elasticsearch',
      '.rerank-v1-elasticsearch',
      'existing-cmp',
      'existing-emb',
    ]);
    expect(all.json.endpoints[4].task_settings).toBeUndefined();
  });
});

describe('accepted variants of the same requests', () => {
  const created: string[] = [];
  afterEach(async () => {
    for (const id of created.splice(0)) expect((await call('DELETE', `/_inference/${id}`)).status).toBe(200);
  });
  const put = async (id: string, body: unknown, taskType = 'text_embedding') => {
    const response = await call('PUT', `/_inference/${taskType}/${id}`, body);
    if (response.status === 200) created.push(id);
    return response;
  };

  test('an enum value is parsed case-insensitively and echoed lower-case', async () => {
    const response = await put('enum-upper', { service: 'openai', service_settings: settings({ similarity: 'COSINE' }) });
    expect(response.status).toBe(200);
    expect(response.json.service_settings.similarity).toBe('cosine');
  });

  test('the task type in the URL is parsed case-insensitively', async () => {
    const response = await call('GET', '/_inference/TEXT_EMBEDDING/existing-emb');
    expect(response.status).toBe(200);
    expect(response.json.endpoints[0].inference_id).toBe('existing-emb');
  });

  test.each([
    ['{} (the default is echoed)', {}, { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 }],
    ['omitted (the default is echoed)', undefined, { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 }],
    ['word with overlap exactly half the chunk size', { strategy: 'word', max_chunk_size: 100, overlap: 50 }, { strategy: 'word', max_chunk_size: 100, overlap: 50 }],
  ])('chunking_settings %s', async (_name, chunkingSettings, expected) => {
    const body = chunkingSettings === undefined ? openAi() : chunking(chunkingSettings);
    const response = await put('chunking-ok', body);
    expect(response.status).toBe(200);
    expect(response.json.chunking_settings).toEqual(expected);
  });

  test('a completion endpoint has no chunking_settings', async () => {
    const response = await put('no-chunking', openAi(), 'completion');
    expect(response.status).toBe(200);
    expect(response.json).not.toHaveProperty('chunking_settings');
  });

  test('a single-segment PUT takes the task type from the body', async () => {
    const response = await call('PUT', '/_inference/body-task-type', openAi({ task_type: 'completion' }));
    expect(response.status).toBe(200);
    created.push('body-task-type');
    expect(response.json.task_type).toBe('completion');
  });
});

describe('malformed and oversized bodies', () => {
  test.each([
    ['POST', '/_inference/existing-emb', '{"input": '],
    ['POST', '/_inference/existing-emb', '[1,2'],
    ['PUT', '/_inference/text_embedding/err-target', '{"service": "openai",'],
    ['PUT', '/_inference/existing-emb/_update', '{"task_settings": {'],
  ])('%s %s with malformed JSON → 400 in the envelope, not 500', async (method, pathAndQuery, text) => {
    const response = await call(method, pathAndQuery, text);
    expect(response.status).toBe(400);
    expect(response.json.status).toBe(400);
    expect(response.json.error.type).toBe('x_content_parse_exception');
    expect(response.json.error.reason).toEqual(expect.any(String));
    expect(response.json.error.root_cause).toEqual([{ type: response.json.error.type, reason: response.json.error.reason }]);
  });

  test('a 101 MB body → 413 in the envelope (default limit 100mb)', async () => {
    const big = `{"input":"${'a'.repeat(101 * 1024 * 1024)}"}`;
    mock.reset();
    const response = await call('POST', '/_inference/existing-emb', big);
    expect(response.status).toBe(413);
    expect(response.json.status).toBe(413);
    expect(response.json.error.type).toEqual(expect.any(String));
    expect(response.json.error.reason).toEqual(expect.any(String));
    expect(response.json.error.root_cause).toEqual([{ type: response.json.error.type, reason: response.json.error.reason }]);
    expect(mock.requests).toHaveLength(0);
  });
});

describe('_update (§2.7)', () => {
  beforeAll(async () => {
    const response = await call('PUT', '/_inference/text_embedding/update-me', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
      task_settings: { user: 'first' },
    });
    expect(response.status).toBe(200);
  });

  test('both path forms work; task settings merge and secrets are not echoed', async () => {
    const single = await call('PUT', '/_inference/update-me/_update', { service_settings: { api_key: 'sk-rotated-key-0000000000000000' } });
    expect(single.status).toBe(200);
    expect(single.json).toMatchObject({ inference_id: 'update-me', task_type: 'text_embedding', task_settings: { user: 'first' } });
    expect(single.json.service_settings).not.toHaveProperty('api_key');
    expect(single.text).not.toContain('sk-rotated-key');

    const withTaskType = await call('PUT', '/_inference/text_embedding/update-me/_update', {
      task_type: 'text_embedding',
      task_settings: { user: 'second' },
    });
    expect(withTaskType.status).toBe(200);
    expect(withTaskType.json.task_settings).toEqual({ user: 'second' });
    expect(withTaskType.json.service_settings).toEqual(single.json.service_settings);

    const stored = await call('GET', '/_inference/update-me');
    expect(stored.json.endpoints[0]).toEqual(withTaskType.json);
  });

  test('the new api_key is the one sent upstream', async () => {
    mock.reset();
    const key = 'sk-updated-key-1111111111111111';
    mock.config.apiKeys.push(key);
    expect((await call('PUT', '/_inference/update-me/_update', { service_settings: { api_key: key } })).status).toBe(200);
    expect((await call('POST', '/_inference/update-me', { input: 'x' })).status).toBe(200);
    expect(mock.requestsTo('embeddings').map((r) => r.headers.authorization)).toEqual([`Bearer ${key}`]);
    mock.reset();
  });

  test('other service settings are not changed by _update', async () => {
    const before = (await call('GET', '/_inference/update-me')).json.endpoints[0];
    const response = await call('PUT', '/_inference/update-me/_update', { service_settings: { model_id: 'other-model' } });
    expect(response.status).toBe(200);
    expect(response.json.service_settings).toEqual(before.service_settings);
  });
});

describe('_services (§2.8)', () => {
  interface ServiceInfo {
    service: string;
    task_types: string[];
    configurations: Record<string, { sensitive: boolean; updatable: boolean; required: boolean; type: string }>;
  }

  test('a top-level array sorted by service; openai api_key is sensitive and updatable', async () => {
    const response = await call('GET', '/_inference/_services');
    expect(response.status).toBe(200);
    const services = response.json as ServiceInfo[];
    expect(Array.isArray(services)).toBe(true);
    const names = services.map((s) => s.service);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['elasticsearch', 'openai']));
    const openai = services.find((s) => s.service === 'openai')!;
    expect(openai.task_types).toEqual(expect.arrayContaining(['text_embedding', 'completion', 'chat_completion']));
    expect(openai.configurations.api_key).toMatchObject({ sensitive: true, updatable: true, type: 'str' });
    expect(openai.configurations.model_id).toMatchObject({ sensitive: false, required: true, type: 'str' });
  });

  test('_services/{task_type} keeps only the services that support it', async () => {
    const response = await call('GET', '/_inference/_services/rerank');
    expect(response.status).toBe(200);
    const services = response.json as ServiceInfo[];
    expect(services.length).toBeGreaterThan(0);
    expect(services.every((s) => s.task_types.includes('rerank'))).toBe(true);
    expect(services.map((s) => s.service)).toContain('elasticsearch');
    expect(services.map((s) => s.service)).not.toContain('openai');

    const chat = (await call('GET', '/_inference/_services/chat_completion')).json as ServiceInfo[];
    expect(chat.map((s) => s.service)).toContain('openai');
    expect(chat.map((s) => s.service)).not.toContain('elasticsearch');
  });
});

describe('generic HTTP behaviour (§1.1)', () => {
  test('GET / answers the root document with version.number', async () => {
    const response = await call('GET', '/');
    expect(response.status).toBe(200);
    expect(response.json.version.number).toMatch(/^\d+\.\d+\.\d+/);
    expect(response.json).toMatchObject({ cluster_name: expect.any(String), cluster_uuid: expect.any(String), tagline: expect.any(String) });
  });

  test('?pretty indents the same JSON', async () => {
    const plain = await call('GET', '/_inference/existing-emb');
    const pretty = await call('GET', '/_inference/existing-emb?pretty');
    expect(plain.text).not.toContain('\n');
    expect(pretty.text).toContain('\n  "endpoints": [');
    expect(JSON.parse(pretty.text)).toEqual(plain.json);

    const prettyTrue = await call('GET', '/_inference/existing-emb?pretty=true');
    expect(prettyTrue.text).toBe(pretty.text);
    const prettyError = await call('GET', '/_inference/err-target?pretty');
    expect(prettyError.status).toBe(404);
    expect(prettyError.text).toContain('\n  "error": {');
  });

  test('?filter_path keeps only the named fields', async () => {
    const response = await call('GET', '/_inference?filter_path=endpoints.inference_id');
    expect(response.status).toBe(200);
    expect(response.json.endpoints.length).toBeGreaterThanOrEqual(2);
    for (const endpoint of response.json.endpoints) expect(Object.keys(endpoint)).toEqual(['inference_id']);
    expect(response.json.endpoints).toEqual(expect.arrayContaining([{ inference_id: 'existing-emb' }, { inference_id: 'existing-cmp' }]));

    const error = await call('GET', '/_inference/err-target?filter_path=error.type,status');
    expect(error.json).toEqual({ error: { type: 'resource_not_found_exception' }, status: 404 });
  });

  test.each(['8', '9'])('Content-Type application/vnd.elasticsearch+json; compatible-with=%s is accepted', async (version) => {
    const vendor = `application/vnd.elasticsearch+json; compatible-with=${version}`;
    const id = `vendor-type-${version}`;
    const body = { service: 'openai', service_settings: settings({ model_id: 'gpt-4o-mini', url: mock.chatUrl }) };
    const response = await call('PUT', `/_inference/completion/${id}`, JSON.stringify(body), { 'content-type': vendor, accept: vendor });
    expect(response.status).toBe(200);
    expect(response.json.inference_id).toBe(id);
    const inference = await call('POST', `/_inference/${id}`, JSON.stringify({ input: 'hello' }), { 'content-type': vendor, accept: vendor });
    expect(inference.status).toBe(200);
    expect(inference.json).toEqual({ completion: [{ result: 'Echo: hello' }] });
    expect((await call('DELETE', `/_inference/${id}`)).status).toBe(200);
  });

  test('X-Elastic-Product: Elasticsearch on successes, errors, unknown routes, HEAD and event streams', async () => {
    const responses = await Promise.all([
      server.call('GET', '/'),
      server.call('HEAD', '/'),
      server.call('GET', '/_inference'),
      server.call('GET', '/_inference/err-target'),
      server.call('GET', '/no/such/route'),
      server.call('PATCH', '/_inference/existing-emb', {}),
      server.call('POST', '/_inference/existing-emb', '{bad'),
      server.call('POST', '/_inference/completion/err-target/_stream', { input: 'x' }),
      server.call('POST', '/_inference/chat_completion/err-target/_stream', { messages: [{ role: 'user', content: 'x' }] }),
    ]);
    for (const response of responses) expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 400, 405, 400, 404, 404]);
  });
});

describe('DELETE', () => {
  test('dry_run keeps the endpoint and answers acknowledged false', async () => {
    expect((await call('PUT', '/_inference/completion/dry-run-target', openAi())).status).toBe(200);
    const dryRun = await call('DELETE', '/_inference/dry-run-target?dry_run=true');
    expect(dryRun.status).toBe(200);
    expect(dryRun.json).toEqual({ acknowledged: false, pipelines: [], indexes: [] });
    expect((await call('GET', '/_inference/dry-run-target')).status).toBe(200);

    const real = await call('DELETE', '/_inference/completion/dry-run-target');
    expect(real.json).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expectSimpleEsError(await call('GET', '/_inference/dry-run-target'), 404, NOT_FOUND, 'Inference endpoint not found [dry-run-target]');
  });
});

describe('concurrent creation of the same id', () => {
  let validating: TestServer;
  beforeAll(async () => {
    validating = await startTestServer();
  });
  afterAll(async () => {
    await validating?.stop();
  });

  const body = () => ({
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
  });

  test.each([
    ['with validation calls in flight', () => validating],
    ['without validation calls', () => server],
  ])('two concurrent PUTs, %s → exactly one 200 and one 400 already-exists', async (_name, target) => {
    mock.reset();
    // Both validation calls are held so that both requests pass the existence check before either stores.
    mock.enqueueFault('embeddings', { kind: 'delay', ms: 150 });
    mock.enqueueFault('embeddings', { kind: 'delay', ms: 150 });
    const responses = await Promise.all([
      target().call('PUT', '/_inference/text_embedding/raced', body()),
      target().call('PUT', '/_inference/text_embedding/raced', body()),
    ]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    const loser = responses.find((r) => r.status === 400)!;
    expectSimpleEsError(loser, 400, 'resource_already_exists_exception', 'Inference endpoint [raced] already exists');
    const listed = await target().call('GET', '/_inference/text_embedding/_all');
    expect(listed.json.endpoints.filter((e: { inference_id: string }) => e.inference_id === 'raced')).toHaveLength(1);
    expect((await target().call('DELETE', '/_inference/raced')).status).toBe(200);
    mock.reset();
  });
});

describe('storage', () => {
  test('the data directory is 0700 and the sqlite files 0600', () => {
    const dir = server.config.dataDir;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).filter((f) => /\.(sqlite|db|sqlite3)(-wal|-shm|-journal)?$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect({ file, mode: statSync(path.join(dir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });

  test('endpoints and their secrets persist across a restart', async () => {
    const created = await call('PUT', '/_inference/text_embedding/persist-me', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl, dimensions: 64 },
      task_settings: { user: 'persisted' },
    });
    expect(created.status).toBe(200);
    await server.restart();

    const fetched = await callAfterRestart('GET', '/_inference/persist-me');
    expect(fetched.status).toBe(200);
    expect(fetched.json.endpoints).toEqual([created.json]);
    const all = await call('GET', '/_inference');
    expect(all.json.endpoints.map((e: { inference_id: string }) => e.inference_id)).toEqual(
      expect.arrayContaining(['existing-cmp', 'existing-emb', 'persist-me']),
    );

    // The api_key was stored too: the mock accepts the call only with the right key.
    mock.reset();
    const inference = await call('POST', '/_inference/persist-me', { input: ['one', 'two'] });
    expect(inference.status).toBe(200);
    expect(inference.json.text_embedding).toHaveLength(2);
    expect(inference.json.text_embedding[0].embedding).toHaveLength(64);
    expect(mock.requestsTo('embeddings')[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
    expect(mock.requestsTo('embeddings')[0].body).toMatchObject({ user: 'persisted', dimensions: 64 });
    mock.reset();

    // Secrets never show in what the server returned or logged.
    for (const text of [...server.bodies, ...server.logs]) expect(text).not.toContain(DEFAULT_API_KEY);
  });
});
