/** What is watsonx.ai's own (reference §8.12), as Elasticsearch's IbmWatsonx classes send and read it: URLs with
 * `version`, headers, bodies byte for byte, answers, errors and statuses, streams, and the settings' validation. */
import { expectEventStream, framesOf, onlyErrorFrame, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest } from '../../support/service-setup';
import { WATSONX_API_KEY, WATSONX_PROJECT } from './mock-watsonxai';
import { API_VERSION, CHAT_MODEL, EMBED_MODEL, endpoint, RERANK_MODEL, watsonxService } from './watsonx-setup';
import { vectorOf } from './watsonx-bodies';

const service = watsonxService();
const call = (path: string, body: Record<string, unknown>) => service.server.call('POST', path, body);

describe('text_embedding', () => {
  test("PUT: the validation call with an IAM token, Elasticsearch's URL, headers and body; what it stores", async () => {
    const id = newId('wx-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint(EMBED_MODEL));
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      model_id: EMBED_MODEL,
      project_id: WATSONX_PROJECT,
      url: 'us-south.ml.cloud.ibm.com',
      api_version: API_VERSION,
      dimensions: 384,
      similarity: 'dot_product',
      rate_limit: { requests_per_minute: 120 },
    });
    const token = onlyRequest(service.mock, 'token');
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token.rawBody).toBe(`grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=${WATSONX_API_KEY}`);
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.path).toBe('/ml/v1/text/embeddings');
    expect(validation.query).toEqual({ version: API_VERSION });
    expect(validation.headers.authorization).toBe(`Bearer ${service.mock.everIssued.at(-1)}`);
    expect(validation.headers['content-type']).toBe('application/json');
    expect(validation.rawBody).toBe(`{"inputs":["how big"],"model_id":"${EMBED_MODEL}","project_id":"${WATSONX_PROJECT}"}`);
  });

  test("the vectors are watsonx's results in input order; max_input_tokens cuts inputs (three characters a token)", async () => {
    const id = newId('wx-emb');
    await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL, { max_input_tokens: 2, similarity: 'cosine' }));
    const result = await call(`/_inference/text_embedding/${id}`, { input: ['first text', 'second text'] });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: vectorOf('first ', 384) }, { embedding: vectorOf('second', 384) }] });
    expect(bodyOf(onlyRequest(service.mock, 'embeddings')).inputs).toEqual(['first ', 'second']);
  });

  test('inputs go in batches of 1000', async () => {
    const id = newId('wx-emb');
    await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL, { rate_limit: { requests_per_minute: 10000 } }));
    const input = Array.from({ length: 1001 }, (_, i) => `text ${i}`);
    const result = await call(`/_inference/text_embedding/${id}`, { input });
    expect(result.json.text_embedding).toHaveLength(1001);
    expect(result.json.text_embedding[1000].embedding).toEqual(vectorOf('text 1000', 384));
    expect(service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).inputs as string[]).length).sort()).toEqual([1, 1000]);
  });

  test('an input_type other than the internal ones is refused, as for every service that takes none', async () => {
    const id = newId('wx-emb');
    await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL));
    const refused = await call(`/_inference/text_embedding/${id}`, { input: 'a', input_type: 'search' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toContain('[search]');
    expect(service.mock.requestsTo('embeddings')).toHaveLength(0);
  });
});

describe('rerank', () => {
  test("the body as IbmWatsonxRerankRequestEntity writes it; the request's task settings over the stored ones", async () => {
    const id = newId('wx-rr');
    await createEndpoint(service, 'rerank', id, endpoint(RERANK_MODEL, {}, { task_settings: { top_n: 1, return_documents: false, truncate_input_tokens: 100 } }));
    const result = await call(`/_inference/rerank/${id}`, {
      query: 'capital of France',
      input: ['Bananas are yellow.', 'Paris is the capital of France.'],
      task_settings: { return_documents: true },
    });
    expect(result.status).toBe(200);
    expect(result.json.rerank).toEqual([{ index: 1, relevance_score: expect.any(Number), text: 'Paris is the capital of France.' }]);
    const request = onlyRequest(service.mock, 'rerank');
    expect(request.path).toBe('/ml/v1/text/rerank');
    expect(request.query).toEqual({ version: API_VERSION });
    expect(request.rawBody).toBe(
      `{"model_id":"${RERANK_MODEL}","query":"capital of France","inputs":[{"text":"Bananas are yellow."},{"text":"Paris is the capital of France."}],` +
        `"project_id":"${WATSONX_PROJECT}","parameters":{"truncate_input_tokens":100,"return_options":{"inputs":true,"top_n":1}}}`,
    );
  });

  test("without task settings an empty return_options; the request's top-level top_n and return_documents do not reach watsonx", async () => {
    const id = newId('wx-rr');
    await createEndpoint(service, 'rerank', id, endpoint(RERANK_MODEL));
    const result = await call(`/_inference/rerank/${id}`, { query: 'yellow', input: ['Paris.', 'Bananas are yellow.', 'Lemons are yellow too.'], top_n: 1, return_documents: true });
    expect(result.json.rerank.map((entry: { index: number }) => entry.index)).toEqual([1, 2, 0]);
    expect(result.json.rerank.every((entry: object) => !('text' in entry))).toBe(true);
    expect(bodyOf(onlyRequest(service.mock, 'rerank')).parameters).toEqual({ return_options: {} });
  });

  test('task settings are checked: top_n must be a positive integer, unknown ones refused', async () => {
    const badTopN = await service.server.call('PUT', `/_inference/rerank/${newId('wx-rr')}`, endpoint(RERANK_MODEL, {}, { task_settings: { top_n: 0 } }));
    expect(badTopN.status).toBe(400);
    expect(badTopN.json.error.reason).toContain('[top_n]');
    const unknown = await service.server.call('PUT', `/_inference/rerank/${newId('wx-rr')}`, endpoint(RERANK_MODEL, {}, { task_settings: { max_chunks_per_doc: 3 } }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.reason).toContain('max_chunks_per_doc');
  });
});

describe('completion and chat_completion', () => {
  test('completion: /ml/v1/text/chat with project_id first, the model as `model`, no stream_options', async () => {
    const id = newId('wx-cmp');
    await createEndpoint(service, 'completion', id, endpoint(CHAT_MODEL));
    const result = await call(`/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(result.json).toEqual({ completion: [{ result: 'Echo: What is Elastic?' }] });
    const request = onlyRequest(service.mock, 'chat');
    expect(request.path).toBe('/ml/v1/text/chat');
    expect(request.query).toEqual({ version: API_VERSION });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.rawBody).toBe(`{"project_id":"${WATSONX_PROJECT}","messages":[{"content":"What is Elastic?","role":"user"}],"model":"${CHAT_MODEL}","n":1,"stream":false}`);
  });

  test('completion takes one input', async () => {
    const id = newId('wx-cmp');
    await createEndpoint(service, 'completion', id, endpoint(CHAT_MODEL));
    const refused = await call(`/_inference/completion/${id}`, { input: ['one', 'two'] });
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toBe('IBM Watsonx completions only accepts 1 input');
  });

  test('a streamed completion asks /ml/v1/text/chat_stream and yields its words', async () => {
    const id = newId('wx-cmp');
    await createEndpoint(service, 'completion', id, endpoint(CHAT_MODEL));
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'What is Elastic?' });
    expectEventStream(response, 200);
    const deltas = framesOf(response.text)
      .filter((frame) => frame.data !== '[DONE]')
      .flatMap((frame) => JSON.parse(frame.data).completion.map((entry: { delta: string }) => entry.delta));
    expect(deltas.join('')).toBe('Echo: What is Elastic?');
    const request = onlyRequest(service.mock, 'chat');
    expect(request.path).toBe('/ml/v1/text/chat_stream');
    expect(request.rawBody).toBe(`{"project_id":"${WATSONX_PROJECT}","messages":[{"content":"What is Elastic?","role":"user"}],"model":"${CHAT_MODEL}","n":1,"stream":true}`);
  });

  test("chat_completion: the request's model and token limit (as max_tokens), OpenAI-shaped chunks", async () => {
    const id = newId('wx-chat');
    await createEndpoint(service, 'chat_completion', id, endpoint(CHAT_MODEL));
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, {
      model: 'meta-llama/llama-3-3-70b-instruct',
      messages: [{ role: 'user', content: 'Hello there' }],
      max_completion_tokens: 20,
      temperature: 0.5,
    });
    expectEventStream(response, 200);
    const chunks = framesOf(response.text)
      .filter((frame) => frame.data !== '[DONE]')
      .map((frame) => JSON.parse(frame.data));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'meta-llama/llama-3-3-70b-instruct')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: Hello there');
    expect(chunks.at(-1).usage).toEqual({ completion_tokens: 3, prompt_tokens: 5, total_tokens: 8 });
    const request = onlyRequest(service.mock, 'chat');
    expect(request.path).toBe('/ml/v1/text/chat_stream');
    expect(request.rawBody).toBe(
      `{"project_id":"${WATSONX_PROJECT}","messages":[{"content":"Hello there","role":"user"}],"temperature":0.5,"max_tokens":20,` +
        `"model":"meta-llama/llama-3-3-70b-instruct","n":1,"stream":true}`,
    );
  });
});

describe('errors, as IbmWatsonxResponseHandler and IbmWatsonxErrorResponseEntity read them', () => {
  const embedEndpoint = async () => {
    const id = newId('wx-err');
    await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL));
    return id;
  };

  test("watsonx's own `errors` body is not quoted (Elasticsearch reads only `error.message`); an `error.message` is", async () => {
    const id = await embedEndpoint();
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
    const plain = await call(`/_inference/text_embedding/${id}`, { input: 'a' });
    expect({ status: plain.status, reason: plain.json.error.reason }).toEqual({
      status: 400,
      reason: `Received a bad request status code for request from inference entity id [${id}] status [400]`,
    });
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 400, body: { error: { message: 'Model is not deployed' } } });
    const quoted = await call(`/_inference/text_embedding/${id}`, { input: 'a' });
    expect(quoted.json.error.reason).toBe(`Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [Model is not deployed]`);
  });

  test.each([
    [403, 403, 'Received a permission denied error status code'],
    [429, 429, 'Received an unsuccessful status code'],
    [503, 400, 'Received an unsuccessful status code'],
  ])('embeddings: a provider %i is answered %i as %s, and not retried', async (providerStatus, status, prefix) => {
    const id = await embedEndpoint();
    service.mock.enqueueFault('embeddings', { kind: 'status', status: providerStatus });
    const failed = await call(`/_inference/text_embedding/${id}`, { input: 'a' });
    expect({ status: failed.status, reason: failed.json.error.reason }).toEqual({ status, reason: `${prefix} for request from inference entity id [${id}] status [${providerStatus}]` });
    expect(service.mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('a 404 names the URL asked', async () => {
    const id = await embedEndpoint();
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 404 });
    const failed = await call(`/_inference/text_embedding/${id}`, { input: 'a' });
    expect(failed.json.error.reason).toBe(`Resource not found at [${service.mock.url}/ml/v1/text/embeddings?version=${API_VERSION}] for request from inference entity id [${id}] status [404]`);
  });

  test('an answer without results is unreadable, in the words of the embeddings response entity', async () => {
    const id = await embedEndpoint();
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('embeddings', { kind: 'wrongShape' });
    const failed = await call(`/_inference/text_embedding/${id}`, { input: 'a' });
    expect({ status: failed.status, reason: failed.json.error.reason }).toEqual({
      status: 500,
      reason: 'Failed to send IBM Watsonx embeddings request. Cause: Failed to find required field [results] in IBM watsonx embeddings response',
    });
  });

  test('on the chat route an `error.message` body is typed watsonx_error', async () => {
    const id = newId('wx-chat');
    await createEndpoint(service, 'chat_completion', id, endpoint(CHAT_MODEL));
    service.mock.enqueueFault('chat', { kind: 'status', status: 400, body: { error: { message: 'max_tokens is too large' } } });
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }] });
    expect(onlyErrorFrame(response).error).toMatchObject({
      type: 'watsonx_error',
      message: `Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [max_tokens is too large]`,
    });
  });
});

describe('settings', () => {
  test.each([
    ['project_id', '[service_settings] does not contain the required setting [project_id]'],
    ['api_version', '[service_settings] does not contain the required setting [api_version]'],
    ['url', '[service_settings] does not contain the required setting [url]'],
    ['api_key', '[secret_settings] does not contain the required setting [api_key]'],
  ])('without %s: refused in Elasticsearch words', async (missing, message) => {
    const body = endpoint(EMBED_MODEL);
    delete (body.service_settings as Record<string, unknown>)[missing];
    const refused = await service.server.call('PUT', `/_inference/text_embedding/${newId('wx-set')}`, body);
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toBe(`Validation Failed: 1: ${message};`);
    expect(service.mock.requests).toHaveLength(0);
  });

  test('exactly its four task types', async () => {
    const refused = await service.server.call('PUT', `/_inference/sparse_embedding/${newId('wx-set')}`, endpoint(EMBED_MODEL));
    expect(refused.json.error.reason).toBe('The [watsonxai] service does not support task type [sparse_embedding]');
  });

  test('chat endpoints store no embedding settings', async () => {
    const refused = await service.server.call('PUT', `/_inference/completion/${newId('wx-set')}`, endpoint(CHAT_MODEL, { dimensions: 10 }));
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toContain('dimensions');
  });
});

describe('streams', () => {
  test('an error event of chat_stream ends the stream with an error event naming the endpoint, after what came', async () => {
    const id = newId('wx-stream');
    await createEndpoint(service, 'completion', id, endpoint(CHAT_MODEL));
    service.mock.enqueueFault('chat', { kind: 'streamError', chunks: 1, message: 'Model inference failed' });
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'What is Elastic?' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(JSON.parse(frames[0].data)).toEqual({ completion: [{ delta: 'Echo: ' }] });
    expect(frames.at(-1)!.event).toBe('error');
    expect(frames.at(-1)!.data).toContain(`Received an error response for request from inference entity id [${id}]`);
    expect(frames.at(-1)!.data).toContain('Model inference failed');
  });
});
