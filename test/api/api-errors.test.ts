/**
 * Table-driven checks of the errors (status, `error.type`, exact `error.reason`) of reference §10; the generic HTTP
 * behaviour is in api-behaviour.test.ts.
 */
import { DEFAULT_API_KEY } from '../providers/openai/mock-openai';
import { expectSimpleEsError } from '../support/assertions';
import { ACTION_VALIDATION, NOT_FOUND, STATUS, VALIDATION, call, chunking, invalidId, openAi, settings, useApiServer } from './api-harness';

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


useApiServer();

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

