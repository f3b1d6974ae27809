/** What is Google AI Studio's own (reference §8.5), as Elasticsearch's GoogleAiStudio classes send and read it. */
import { expectEventStream, expectSimpleEsError, framesOf, onlyErrorFrame, postRaw, DONE_FRAME } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { answerTo, BLOCKED_PROMPT, GOOGLE_API_KEY, MAX_BATCH, startMockGoogleAiStudio } from './mock-googleaistudio';

const service = withMockedService('googleaistudio', startMockGoogleAiStudio);
const endpoint = (model: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'googleaistudio',
  service_settings: { api_key: GOOGLE_API_KEY, model_id: model, ...settings },
  ...extra,
});
const embed = (id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/text_embedding/${id}`, body);
const complete = (id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/completion/${id}`, body);

describe('text_embedding', () => {
  test('PUT learns the size and stores dot_product and 360 a minute; the validation call embeds a RETRIEVAL_DOCUMENT, key in the query', async () => {
    const id = newId('gais-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('text-embedding-004'));
    expect(put.json.service_settings).toEqual({
      model_id: 'text-embedding-004',
      rate_limit: { requests_per_minute: 360 },
      similarity: 'dot_product',
      dimensions: 768,
    });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.path).toBe('/v1/models/text-embedding-004:batchEmbedContents');
    expect(validation.query).toEqual({ key: GOOGLE_API_KEY });
    expect(validation.rawBody).toBe('{"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"how big"}]},"taskType":"RETRIEVAL_DOCUMENT"}]}');
    expect(validation.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(validation.headers.authorization).toBeUndefined();
    expect(validation.headers['x-goog-api-key']).toBeUndefined();
  });

  test('the stored dimensions go as outputDimensionality after PUT; no taskType without an input_type', async () => {
    const id = newId('gais-dims');
    const put = await createEndpoint(service, 'text_embedding', id, endpoint('text-embedding-004', { dimensions: 256 }));
    expect(put.json.service_settings.dimensions).toBe(256);
    const result = await embed(id, { input: ['one', 'two'] });
    expect(result.json.text_embedding.map((item: { embedding: number[] }) => item.embedding.length)).toEqual([256, 256]);
    expect(onlyRequest(service.mock, 'embeddings').rawBody).toBe(
      '{"requests":[' +
        '{"model":"models/text-embedding-004","content":{"parts":[{"text":"one"}]},"outputDimensionality":256},' +
        '{"model":"models/text-embedding-004","content":{"parts":[{"text":"two"}]},"outputDimensionality":256}]}',
    );
  });

  test.each([
    ['ingest', 'RETRIEVAL_DOCUMENT'],
    ['SEARCH', 'RETRIEVAL_QUERY'],
    ['classification', 'CLASSIFICATION'],
    ['clustering', 'CLUSTERING'],
  ])('embedding-001 takes input_type %s as taskType %s', async (inputType, taskType) => {
    const id = newId('gais-001');
    await createEndpoint(service, 'text_embedding', id, endpoint('embedding-001'));
    expect((await embed(id, { input: 'a', input_type: inputType })).status).toBe(200);
    const [request] = bodyOf(onlyRequest(service.mock, 'embeddings')).requests as Array<Record<string, unknown>>;
    expect(request.taskType).toBe(taskType);
  });

  test('any other model refuses an input_type, as Elasticsearch does, without calling Google', async () => {
    const id = newId('gais-no-type');
    await createEndpoint(service, 'text_embedding', id, endpoint('text-embedding-004'));
    const refused = await embed(id, { input: 'a', input_type: 'search' });
    expectSimpleEsError(
      refused,
      400,
      'validation_exception',
      'Validation Failed: 1: Invalid value [search] received. [input_type] is not allowed for model [text-embedding-004];',
    );
    expect(service.mock.requests).toHaveLength(0);
  });

  test(`inputs go in batches of ${MAX_BATCH}, vectors in input order`, async () => {
    const id = newId('gais-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint('text-embedding-004'));
    const input = Array.from({ length: 150 }, (_, i) => `text ${i}`);
    const all = await embed(id, { input });
    expect(all.json.text_embedding).toHaveLength(150);
    expect(service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).requests as unknown[]).length)).toEqual([100, 50]);
    const single = await embed(id, { input: 'text 123' });
    expect(all.json.text_embedding[123]).toEqual(single.json.text_embedding[0]);
  });

  test('max_input_tokens cuts each input before it is sent (three characters a token)', async () => {
    const id = newId('gais-max');
    await createEndpoint(service, 'text_embedding', id, endpoint('text-embedding-004', { max_input_tokens: 2 }));
    await embed(id, { input: 'a text longer than six characters' });
    const [request] = bodyOf(onlyRequest(service.mock, 'embeddings')).requests as Array<{ content: { parts: Array<{ text: string }> } }>;
    expect(request.content.parts[0].text).toBe('a text');
  });

  test('an answer with fewer embeddings than inputs is a 500 naming the request', async () => {
    const id = newId('gais-short');
    await createEndpoint(service, 'text_embedding', id, endpoint('text-embedding-004'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 200, body: { embeddings: [{ values: [0.5, 0.5] }] } });
    const response = await embed(id, { input: ['one', 'two'] });
    expect(response.status).toBe(500);
    expect(response.json.error.reason).toBe(
      'Failed to send Google AI Studio embeddings request. Cause: the provider did not return 2 embeddings in input order',
    );
  });
});

describe("Google's errors, as GoogleAiStudioResponseHandler words them", () => {
  test('a bad key (Google answers 400) fails the PUT with the unsuccessful status and Google\'s message', async () => {
    const id = newId('gais-bad-key');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('text-embedding-004', { api_key: 'AIza-not-a-real-key-0000000' }));
    expect(put.status).toBe(400);
    expect(put.json.error.caused_by).toEqual({
      type: 'status_exception',
      reason: `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [API key not valid. Please pass a valid API key.]`,
    });
  });

  test('a 403 is "permission denied" and not retried', async () => {
    const id = newId('gais-403');
    await createEndpoint(service, 'text_embedding', id, endpoint('text-embedding-004'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 403 });
    const response = await embed(id, { input: 'a' });
    expect(response.status).toBe(403);
    expect(response.json.error.reason).toMatch(
      new RegExp(`^Received a permission denied error status code for request from inference entity id \\[${id}\\] status \\[403\\]\\. Error message: \\[Method doesn't allow`),
    );
    expect(service.mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('a 503 is retried; a persistent one says the service may be overloaded, answered as 400', async () => {
    const id = newId('gais-503');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('generate', { kind: 'status', status: 503 });
    const response = await complete(id, { input: 'hi' });
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toBe(
      `The Google AI Studio service may be temporarily overloaded or down for request from inference entity id [${id}] status [503]. Error message: [The model is overloaded. Please try again later.]`,
    );
    expect(service.mock.requestsTo('generate')).toHaveLength(3);
  });

  test('an unknown model: 404 naming the URL without its key, and Google\'s message', async () => {
    const id = newId('gais-404');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('text-embedding-404'));
    expect(put.json.error.caused_by.reason).toBe(
      `Resource not found at [${service.mock.url}/v1/models/text-embedding-404:batchEmbedContents] for request from inference entity id [${id}] status [404]. ` +
        'Error message: [models/text-embedding-404 is not found for API version v1, or is not supported for batchEmbedContents. Call ListModels to see the list of available models and their supported methods.]',
    );
  });
});

describe('completion', () => {
  test('PUT stores 360 a minute (as the embeddings); the validation call and a POST send one user content with candidateCount 1', async () => {
    const id = newId('gais-comp');
    const put = await service.server.call('PUT', `/_inference/completion/${id}`, endpoint('gemini-1.5-flash'));
    expect(put.json.service_settings).toEqual({ model_id: 'gemini-1.5-flash', rate_limit: { requests_per_minute: 360 } });
    service.mock.reset();
    const response = await complete(id, { input: 'What is Elastic?' });
    expect(response.json).toEqual({ completion: [{ result: answerTo('What is Elastic?') }] });
    const request = onlyRequest(service.mock, 'generate');
    expect(request.path).toBe('/v1/models/gemini-1.5-flash:generateContent');
    expect(request.query).toEqual({ key: GOOGLE_API_KEY });
    expect(request.rawBody).toBe('{"contents":[{"parts":[{"text":"What is Elastic?"}],"role":"user"}],"generationConfig":{"candidateCount":1}}');
  });

  test('more than one input is refused before any call', async () => {
    const id = newId('gais-two');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    expectSimpleEsError(await complete(id, { input: ['a', 'b'] }), 400, 'status_exception', 'Google AI Studio completion only accepts 1 input');
    expect(service.mock.requests).toHaveLength(0);
  });

  const noCandidates = 'Failed to send Google AI Studio completion request. Cause: Failed to find required field [candidates] in Google AI Studio completion response';

  test('a blocked prompt (no candidates) is unreadable, as Elasticsearch finds no [candidates]', async () => {
    const id = newId('gais-blocked');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    const response = await complete(id, { input: `tell me ${BLOCKED_PROMPT}` });
    expect(response.status).toBe(500);
    expect(response.json.error.reason).toBe(noCandidates);
  });

  test('a blocked prompt streamed: its one chunk has no candidates, a 500 and its error frame before any event', async () => {
    const id = newId('gais-blocked-stream');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: `tell me ${BLOCKED_PROMPT}` });
    expectEventStream(response, 500);
    expect(onlyErrorFrame(response)).toMatchObject({ error: { type: 'status_exception', reason: noCandidates }, status: 500 });
  });

  test('a candidate without content (a safety stop) is unreadable: no [content]', async () => {
    const id = newId('gais-safety');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    service.mock.enqueueFault('generate', { kind: 'status', status: 200, body: { candidates: [{ finishReason: 'SAFETY', index: 0 }] } });
    const response = await complete(id, { input: 'hi' });
    expect(response.json.error.reason).toBe(
      'Failed to send Google AI Studio completion request. Cause: Failed to find required field [content] in Google AI Studio completion response',
    );
  });

  test('the stream: :streamGenerateContent with key then alt=sse; one event per chunk, then [DONE]', async () => {
    const id = newId('gais-stream');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'Tell me' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(response.text.endsWith(DONE_FRAME)).toBe(true);
    const deltas = frames.slice(0, -1).map((frame) => JSON.parse(frame.data).completion[0].delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(answerTo('Tell me'));
    const request = onlyRequest(service.mock, 'generate');
    expect(request.path).toBe('/v1/models/gemini-1.5-flash:streamGenerateContent');
    expect(Object.entries(request.query)).toEqual([
      ['key', GOOGLE_API_KEY],
      ['alt', 'sse'],
    ]);
    expect(request.rawBody).toBe('{"contents":[{"parts":[{"text":"Tell me"}],"role":"user"}],"generationConfig":{"candidateCount":1}}');
  });

  test("Google's error inside the stream: an error event quoting it, after what came, and no [DONE]", async () => {
    const id = newId('gais-stream-error');
    await createEndpoint(service, 'completion', id, endpoint('gemini-1.5-flash'));
    service.mock.enqueueFault('generate', { kind: 'streamError', chunks: 2, message: 'The model is overloaded. Please try again later.' });
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'Tell me' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(frames.map((frame) => frame.event)).toEqual(['message', 'message', 'error']);
    const reason = `Received an error response for request from inference entity id [${id}]. Error message: [The model is overloaded. Please try again later.]`;
    expect(JSON.parse(frames[2].data)).toEqual({
      error: { root_cause: [{ type: 'status_exception', reason }], type: 'status_exception', reason },
      status: 500,
    });
  });
});

describe('settings', () => {
  test.each([
    ['no model_id', 'text_embedding', { api_key: GOOGLE_API_KEY }, 'Validation Failed: 1: [service_settings] does not contain the required setting [model_id];'],
    ['no api_key', 'completion', { model_id: 'gemini-pro' }, 'Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];'],
  ])('%s is refused', async (_name, taskType, settings, reason) => {
    const put = await service.server.call('PUT', `/_inference/${taskType}/${newId('gais-bad')}`, { service: 'googleaistudio', service_settings: settings });
    expectSimpleEsError(put, 400, 'validation_exception', reason);
  });

  test.each([
    ['dimensions on completion', 'completion', { service_settings: { api_key: GOOGLE_API_KEY, model_id: 'gemini-pro', dimensions: 8 } }, '{dimensions=8}'],
    ['a task setting', 'text_embedding', { service_settings: { api_key: GOOGLE_API_KEY, model_id: 'embedding-001' }, task_settings: { input_type: 'ingest' } }, '{input_type=ingest}'],
  ])('%s is an unknown setting', async (_name, taskType, body, rendered) => {
    const put = await service.server.call('PUT', `/_inference/${taskType}/${newId('gais-unknown')}`, { service: 'googleaistudio', ...body });
    expectSimpleEsError(put, 400, 'status_exception', `Model configuration contains settings [${rendered}] unknown to the [googleaistudio] service`);
    expect(service.mock.requests).toHaveLength(0);
  });

  test.each(['rerank', 'chat_completion', 'sparse_embedding'])('task type %s is not supported', async (taskType) => {
    const put = await service.server.call('PUT', `/_inference/${taskType}/${newId('gais-task')}`, endpoint('gemini-pro'));
    expectSimpleEsError(put, 400, 'status_exception', `The [googleaistudio] service does not support task type [${taskType}]`);
  });
});
