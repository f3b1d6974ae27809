/** What is Google Vertex AI's own (reference §8.6), as Elasticsearch's googlevertexai classes send and read it: URLs
 * (regional or global), request bytes, answers, input types, batches, ranking and the settings it refuses. */
import { expectEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { SERVICE_ACCOUNT, startMockGoogleVertexAi } from './mock-googlevertexai';

const service = withMockedService('googlevertexai', startMockGoogleVertexAi, { origins: ['google-oauth'] });
const account = { service_account_json: SERVICE_ACCOUNT.json };
const embedding = (extra: Record<string, unknown> = {}) => ({ ...account, project_id: 'vertex-project-1', location: 'europe-west4', model_id: 'text-embedding-005', ...extra });
const put = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('PUT', `/_inference/${taskType}/${id}`, body);
const post = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/${taskType}/${id}`, body);

describe('text_embedding', () => {
  test("the regional `:predict` of the publisher model, RETRIEVAL_DOCUMENT for the validation call, Vertex AI's dimensions stored", async () => {
    const id = newId('gva-emb');
    const created = await put('text_embedding', id, { service: 'googlevertexai', service_settings: embedding() });
    expect(created.json.service_settings).toEqual({
      project_id: 'vertex-project-1',
      location: 'europe-west4',
      model_id: 'text-embedding-005',
      rate_limit: { requests_per_minute: 30000 },
      similarity: 'dot_product',
      dimensions: 768,
    });
    const validation = onlyRequest(service.mock, 'predict');
    expect(validation.path).toBe('/v1/projects/vertex-project-1/locations/europe-west4/publishers/google/models/text-embedding-005:predict');
    expect(validation.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(validation.headers.authorization).toMatch(/^Bearer ya29\./);
    expect(validation.rawBody).toBe('{"instances":[{"content":"how big","task_type":"RETRIEVAL_DOCUMENT"}]}');
  });

  test('without a location: the global endpoint (Elasticsearch 9.x)', async () => {
    const id = newId('gva-global');
    const settings: Record<string, unknown> = embedding();
    delete settings.location;
    await createEndpoint(service, 'text_embedding', id, { service: 'googlevertexai', service_settings: settings });
    const result = await post('text_embedding', id, { input: 'x' });
    expect(result.json.text_embedding[0].embedding).toHaveLength(768);
    expect(onlyRequest(service.mock, 'predict').path).toBe('/v1/projects/vertex-project-1/locations/global/publishers/google/models/text-embedding-005:predict');
  });

  test('input types as task types (the request over the task setting), autoTruncate and a user-set outputDimensionality', async () => {
    const id = newId('gva-params');
    await createEndpoint(service, 'text_embedding', id, {
      service: 'googlevertexai',
      service_settings: embedding({ dimensions: 256 }),
      task_settings: { auto_truncate: false, input_type: 'clustering' },
    });
    await post('text_embedding', id, { input: ['a', 'b'] });
    await post('text_embedding', id, { input: 'c', input_type: 'SEARCH' });
    await post('text_embedding', id, { input: 'd', task_settings: { auto_truncate: true, input_type: 'classification' } });
    expect(service.mock.requestsTo('predict').map((request) => request.rawBody)).toEqual([
      '{"instances":[{"content":"a","task_type":"CLUSTERING"},{"content":"b","task_type":"CLUSTERING"}],"parameters":{"autoTruncate":false,"outputDimensionality":256}}',
      '{"instances":[{"content":"c","task_type":"RETRIEVAL_QUERY"}],"parameters":{"autoTruncate":false,"outputDimensionality":256}}',
      '{"instances":[{"content":"d","task_type":"CLASSIFICATION"}],"parameters":{"autoTruncate":true,"outputDimensionality":256}}',
    ]);
  });

  test('an input type Vertex AI has no task type for is refused', async () => {
    const id = newId('gva-itype');
    await createEndpoint(service, 'text_embedding', id, { service: 'googlevertexai', service_settings: embedding() });
    const refused = await post('text_embedding', id, { input: 'x', input_type: 'unknown_type' });
    expect(refused.status).toBe(400);
    expect(service.mock.requestsTo('predict')).toHaveLength(0);
  });

  test('inputs go in batches of max_batch_size (250 when not set), vectors in input order', async () => {
    const id = newId('gva-batch');
    await createEndpoint(service, 'text_embedding', id, { service: 'googlevertexai', service_settings: embedding({ max_batch_size: 2 }) });
    const input = ['one', 'two', 'three', 'four', 'five'];
    const result = await post('text_embedding', id, { input });
    const sent = service.mock.requestsTo('predict').map((request) => (bodyOf(request).instances as Array<{ content: string }>).map((i) => i.content));
    expect(sent.sort((a, b) => input.indexOf(a[0]) - input.indexOf(b[0]))).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
    const one = await post('text_embedding', id, { input: ['one'] });
    expect(result.json.text_embedding[0]).toEqual(one.json.text_embedding[0]);
    expect(result.json.text_embedding).toHaveLength(5);
    const update = await service.server.call('PUT', `/_inference/text_embedding/${id}/_update`, { service_settings: { max_batch_size: 250 } });
    expect(update.json.service_settings.max_batch_size).toBe(250);
  });

  test('a max_batch_size over 250 is refused', async () => {
    const refused = await put('text_embedding', newId('gva-max'), { service: 'googlevertexai', service_settings: embedding({ max_batch_size: 251 }) });
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toContain('[max_batch_size] must be a less than or equal to [250]');
  });

  test("Google's error message is quoted; a 403 is permission denied, a 503 Vertex AI's own wording (retried)", async () => {
    const id = newId('gva-err');
    await createEndpoint(service, 'text_embedding', id, { service: 'googlevertexai', service_settings: embedding() });
    service.mock.enqueueFault('predict', { kind: 'status', status: 403 });
    const denied = await post('text_embedding', id, { input: 'x' });
    expectEsError(
      denied,
      403,
      'status_exception',
      `Received a permission denied error status code for request from inference entity id [${id}] status [403]. Error message: [Permission 'aiplatform.endpoints.predict' denied on resource (or it may not exist).]`,
    );
    service.mock.reset();
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('predict', { kind: 'status', status: 503 });
    const busy = await post('text_embedding', id, { input: 'x' });
    expect(busy.status).toBe(400);
    expect(busy.json.error.reason).toBe(
      `The Google Vertex AI service may be temporarily overloaded or down for request from inference entity id [${id}] status [503]. Error message: [The service is currently unavailable.]`,
    );
    expect(service.mock.requestsTo('predict')).toHaveLength(3);
  });

  test("messages keep what the key file holds but is no secret (its project, Google's hosts): only its private key is redacted", async () => {
    const id = newId('gva-404');
    await createEndpoint(service, 'text_embedding', id, { service: 'googlevertexai', service_settings: embedding({ project_id: 'sa-project-4711' }) });
    service.mock.enqueueFault('predict', { kind: 'status', status: 404 });
    const missing = await post('text_embedding', id, { input: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.reason).toMatch(
      new RegExp(`^Resource not found at \\[http://127\\.0\\.0\\.1:\\d+/v1/projects/sa-project-4711/locations/europe-west4/publishers/google/models/text-embedding-005:predict\\] for request from inference entity id \\[${id}\\] status \\[404\\]\\. Error message: \\[Publisher Model was not found or your project does not have access to it\\.\\]$`),
    );
  });

  test('missing settings, in the scopes Elasticsearch names', async () => {
    const refused = await put('text_embedding', newId('gva-missing'), { service: 'googlevertexai', service_settings: { project_id: 'p', model_id: 'm' } });
    expect(refused.json.error.reason).toBe('Validation Failed: 1: [secret_settings] does not contain the required setting [service_account_json];');
    const noModel = await put('text_embedding', newId('gva-missing'), { service: 'googlevertexai', service_settings: { ...account, project_id: 'p' } });
    expect(noModel.json.error.reason).toBe('Validation Failed: 1: [service_settings] does not contain the required setting [model_id];');
  });
});

describe('rerank', () => {
  const rerankSettings = { ...account, project_id: 'vertex-project-1', model_id: 'semantic-ranker-512@latest' };

  test("the Discovery Engine ranking API: ids are the inputs' indexes, topN and ignoreRecordDetailsInResponse", async () => {
    const id = newId('gva-rank');
    const created = await put('rerank', id, { service: 'googlevertexai', service_settings: rerankSettings, task_settings: { top_n: 1 } });
    expect(created.json.service_settings).toEqual({ project_id: 'vertex-project-1', model_id: 'semantic-ranker-512@latest', rate_limit: { requests_per_minute: 300 } });
    service.mock.reset();
    const input = ['Bananas are yellow.', 'Paris is the capital of France.'];
    const ranked = await post('rerank', id, { query: 'capital of France', input, return_documents: true });
    const sent = onlyRequest(service.mock, 'rank');
    expect(sent.path).toBe('/v1/projects/vertex-project-1/locations/global/rankingConfigs/default_ranking_config:rank');
    expect(sent.rawBody).toBe(
      '{"model":"semantic-ranker-512@latest","query":"capital of France","records":[{"id":"0","content":"Bananas are yellow."},{"id":"1","content":"Paris is the capital of France."}],"topN":1,"ignoreRecordDetailsInResponse":false}',
    );
    expect(ranked.json.rerank).toEqual([{ index: 1, relevance_score: 1, text: 'Paris is the capital of France.' }]);

    const both = await post('rerank', id, { query: 'capital of France', input, top_n: 2, return_documents: false });
    expect(bodyOf(service.mock.requestsTo('rank')[1])).toMatchObject({ topN: 2, ignoreRecordDetailsInResponse: true });
    expect(both.json.rerank).toEqual([
      { index: 1, relevance_score: 1 },
      { index: 0, relevance_score: 0 },
    ]);
  });

  test('an answer without records is unreadable', async () => {
    const id = newId('gva-rank-bad');
    await createEndpoint(service, 'rerank', id, { service: 'googlevertexai', service_settings: rerankSettings });
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('rank', { kind: 'wrongShape' });
    const failed = await post('rerank', id, { query: 'q', input: ['a'] });
    expect(failed.status).toBe(500);
    expect(failed.json.error.reason).toBe('Failed to send Google Vertex AI rerank request. Cause: Failed to find required field [records] in Google Vertex AI rerank response');
  });
});
