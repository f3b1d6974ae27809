/**
 * What is OpenAI's own (reference §8.1, §11, §1.5, §2.1 step 8), against a real mock OpenAI server: validation calls
 * and learned settings, batching and ordering of embeddings, the wording of OpenAI's handler for each status, the
 * timeout of a body, completion task settings, OAuth2 and the organization header. What every service shares is in
 * openai.contract.test.ts.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_API_KEY,
  embeddingFor,
  startMockOpenAi,
  type MockOpenAi,
} from './mock-openai';
import { expectEsError, expectNoSecret } from '../../support/assertions';
import { startTestServer, type TestResponse, type TestServer } from '../../support/server';
import { bodyOf, newId, withMockedService } from '../../support/service-setup';

// These tests point endpoints at URLs of their own (the mock's, or a scripted server): no origin override.
const openai = withMockedService('openai', () => startMockOpenAi(), { upstreamOrigins: {} });
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

async function putEmbedding(
  target: TestServer,
  id: string,
  settings: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<TestResponse> {
  return target.call('PUT', `/_inference/text_embedding/${id}`, {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl, ...settings },
    ...extra,
  });
}

async function createEmbedding(id: string, settings: Record<string, unknown> = {}, target: TestServer = server): Promise<void> {
  const put = await putEmbedding(target, id, settings);
  expect(put.status).toBe(200);
}

async function createCompletion(id: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<TestResponse> {
  const put = await server.call('PUT', `/_inference/completion/${id}`, {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl, ...settings },
    ...extra,
  });
  expect(put.status).toBe(200);
  return put;
}

const embed = (id: string, input: unknown, query = '', target: TestServer = server) =>
  target.call('POST', `/_inference/text_embedding/${id}${query}`, { input });

/** A one-off HTTP server on loopback whose answers the test scripts; `hits` counts the requests it received. */
async function scriptedServer(
  answer: (body: string, res: ServerResponse) => void,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const scripted: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      hits++;
      answer(raw, res);
    });
  });
  await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
  const { port } = scripted.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/embeddings`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        scripted.close(() => resolve());
        scripted.closeAllConnections();
      }),
  };
}

/** An OpenAI-compatible embeddings server that always answers vectors of `length`, whatever was asked. */
const fixedLengthEmbeddingsServer = (length: number) =>
  scriptedServer((raw, res) => {
    const input = (JSON.parse(raw) as { input: string[] }).input;
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: embeddingFor(text, length) }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: 'fixed', usage: { prompt_tokens: 1, total_tokens: 1 } }));
  });

// ---------------------------------------------------------------------------------------------------------------
describe('PUT text_embedding: the validation call', () => {
  test('learns dimensions and defaults similarity to dot_product; no dimensions are sent upstream when not set', async () => {
    const id = newId('emb-learn');
    const put = await putEmbedding(server, id);
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      inference_id: id,
      task_type: 'text_embedding',
      service: 'openai',
      service_settings: {
        model_id: 'text-embedding-3-small',
        url: mock.embeddingsUrl,
        rate_limit: { requests_per_minute: 3000 },
        similarity: 'dot_product',
        dimensions: 1536,
      },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });
    // Exactly one validation request, with the validation input and no `dimensions` key.
    const validation = mock.requestsTo('embeddings');
    expect(validation).toHaveLength(1);
    expect(bodyOf(validation[0]).input).toEqual(['how big']);
    expect(bodyOf(validation[0]).model).toBe('text-embedding-3-small');
    expect(bodyOf(validation[0])).not.toHaveProperty('dimensions');
    expect(validation[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);

    // The learned dimension is the model's default: later calls must not send it either.
    const result = await embed(id, ['one', 'two']);
    expect(result.status).toBe(200);
    expect(result.json.text_embedding.map((e: { embedding: number[] }) => e.embedding.length)).toEqual([1536, 1536]);
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    expect(bodyOf(calls[1])).not.toHaveProperty('dimensions');

    const get = await server.call('GET', `/_inference/${id}`);
    expect(get.json.endpoints[0].service_settings).toEqual(put.json.service_settings);
  });

  test('a user-set dimensions value is sent upstream on validation and every inference call', async () => {
    const id = newId('emb-dims');
    const put = await putEmbedding(server, id, { dimensions: 64, similarity: 'cosine' });
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      model_id: 'text-embedding-3-small',
      url: mock.embeddingsUrl,
      dimensions: 64,
      similarity: 'cosine',
      rate_limit: { requests_per_minute: 3000 },
    });
    expect(put.text).not.toContain('dimensions_set_by_user');
    const result = await embed(id, ['alpha']);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: embeddingFor('alpha', 64) }] });
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(bodyOf(call).dimensions).toBe(64);
  });

  test('a provider answering another size than the user-set dimensions fails the PUT and stores nothing', async () => {
    const fixed = await fixedLengthEmbeddingsServer(8);
    try {
      const id = newId('emb-mismatch');
      const put = await putEmbedding(server, id, { dimensions: 64, url: fixed.url });
      expect(put.status).toBe(400);
      expect(put.json.status).toBe(400);
      const mismatch = `The retrieved embeddings size [8] does not match the size specified in the settings [64]. Please recreate the [${id}] configuration with the correct dimensions`;
      // The innermost error is the size mismatch, whether or not it is wrapped in the validation-call error.
      expect(put.json.error.root_cause).toEqual([{ type: 'status_exception', reason: mismatch }]);
      expect([put.json.error.reason, put.json.error.caused_by?.reason]).toContain(mismatch);
      expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
    } finally {
      await fixed.close();
    }
  });

  test('a wrong api key: 400 validation-call error caused by the 401, and the key never leaks', async () => {
    const wrongKey = 'sk-WRONGkeyZq8Xv2Lm9Pw4Rt6Yu1Io3Kx7';
    const id = newId('emb-badkey');
    const logsBefore = server.logs.length;
    const put = await putEmbedding(server, id, { api_key: wrongKey });
    expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
    const cause = put.json.error.caused_by;
    expect(cause.type).toBe('status_exception');
    expect(cause.reason.startsWith(`Received an authentication error status code for request from inference entity id [${id}] status [401]`)).toBe(true);
    expect(put.json.error.root_cause).toEqual([{ type: 'status_exception', reason: cause.reason }]);
    // The mock quoted the key (first 8 and last 4 characters) in its message; none of it may come back.
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
    expectNoSecret(put.text, wrongKey);
    expectNoSecret(server.logs.slice(logsBefore).join(''), wrongKey);
    expectNoSecret(server.logs.join(''), DEFAULT_API_KEY);
    expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('text_embedding inference', () => {
  test('results come back in input order although the provider shuffles them', async () => {
    const id = newId('emb-order');
    await createEmbedding(id, { dimensions: 16 });
    const input = ['zero', 'one', 'two', 'three', 'four', 'five', 'six'];
    const result = await embed(id, input);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: input.map((text) => ({ embedding: embeddingFor(text, 16) })) });
    const [, call] = mock.requestsTo('embeddings');
    expect(bodyOf(call).input).toEqual(input);
  });

  test('a single string input is one embedding', async () => {
    const id = newId('emb-string');
    await createEmbedding(id, { dimensions: 8 });
    const result = await embed(id, 'just one');
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: embeddingFor('just one', 8) }] });
    const [, call] = mock.requestsTo('embeddings');
    expect(bodyOf(call).input).toEqual(['just one']);
  });

  test('more than 2048 inputs are split into requests of at most 2048 and come back in order', async () => {
    const id = newId('emb-batch');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    const input = Array.from({ length: 4100 }, (_, i) => `text number ${i}`);
    const result = await embed(id, input);
    expect(result.status).toBe(200);
    expect(result.json.text_embedding).toHaveLength(input.length);
    result.json.text_embedding.forEach((item: { embedding: number[] }, i: number) => {
      expect(item.embedding).toEqual(embeddingFor(input[i], 4));
    });
    const calls = mock.requestsTo('embeddings');
    const sizes = calls.map((call) => (bodyOf(call).input as string[]).length);
    expect([...sizes].sort((a, b) => b - a)).toEqual([2048, 2048, 4]);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(2048);
    // Each request carries a contiguous slice; together they are the whole input, once.
    const slices = calls.map((call) => bodyOf(call).input as string[]).sort((a, b) => input.indexOf(a[0]) - input.indexOf(b[0]));
    expect(slices.flat()).toEqual(input);
  });

  test('exactly 2048 inputs are one request', async () => {
    const id = newId('emb-2048');
    await createEmbedding(id, { dimensions: 2 });
    mock.reset();
    const input = Array.from({ length: 2048 }, (_, i) => `t${i}`);
    const result = await embed(id, input);
    expect(result.status).toBe(200);
    expect(result.json.text_embedding).toHaveLength(2048);
    expect(result.json.text_embedding[2047].embedding).toEqual(embeddingFor('t2047', 2));
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('task_settings.user is sent upstream as `user`, overridable per request', async () => {
    const id = newId('emb-user');
    const put = await putEmbedding(server, id, { dimensions: 4 }, { task_settings: { user: 'stored-user' } });
    expect(put.status).toBe(200);
    expect(put.json.task_settings).toEqual({ user: 'stored-user' });
    expect((await embed(id, ['x'])).status).toBe(200);
    const override = await server.call('POST', `/_inference/text_embedding/${id}`, { input: ['x'], task_settings: { user: 'request-user' } });
    expect(override.status).toBe(200);
    const users = mock.requestsTo('embeddings').map((call) => bodyOf(call).user);
    expect(users).toEqual(['stored-user', 'stored-user', 'request-user']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('upstream errors: retries and mapping (reference §11)', () => {
  test.each([429, 500, 503])('a %i is retried and the call succeeds', async (status) => {
    const id = newId(`emb-retry-${status}`);
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status });
    const result = await embed(id, ['retry me']);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: embeddingFor('retry me', 4) }] });
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    expect(bodyOf(calls[1])).toEqual(bodyOf(calls[0]));
  });

  test('400 is not retried: 400 "Received a bad request status code" with the provider message', async () => {
    const id = newId('emb-400');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
    const result = await embed(id, ['x']);
    expectEsError(
      result,
      400,
      'status_exception',
      `Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: ['$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.]`,
    );
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('401 is not retried: 401 "Received an authentication error status code", no key in the answer', async () => {
    const id = newId('emb-401');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 401 });
    const result = await embed(id, ['x']);
    expectEsError(
      result,
      401,
      'status_exception',
      new RegExp(`^Received an authentication error status code for request from inference entity id \\[${id}\\] status \\[401\\]\\. Error message: \\[Incorrect API key provided: `),
    );
    expect(result.json.error.root_cause).toEqual([{ type: 'status_exception', reason: result.json.error.reason }]);
    expectNoSecret(result.text, DEFAULT_API_KEY);
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  // OpenAiResponseHandler has no 403 case: Elasticsearch answers "unsuccessful" for it.
  test('403 is not retried: 403 "Received an unsuccessful status code"', async () => {
    const id = newId('emb-403');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 403 });
    const result = await embed(id, ['x']);
    expectEsError(
      result,
      403,
      'status_exception',
      `Received an unsuccessful status code for request from inference entity id [${id}] status [403]. Error message: [Country, region, or territory not supported]`,
    );
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('404 is not retried: 404 "Resource not found at [<url>]"', async () => {
    const id = newId('emb-404');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 404 });
    const result = await embed(id, ['x']);
    expectEsError(
      result,
      404,
      'status_exception',
      `Resource not found at [${mock.embeddingsUrl}] for request from inference entity id [${id}] status [404]. Error message: [The model \`text-embedding-3-small\` does not exist or you do not have access to it.]`,
    );
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('another 5xx (502) is not retried and becomes 400 "Received a server error status code"', async () => {
    const id = newId('emb-502');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 502 });
    const result = await embed(id, ['x']);
    expectEsError(
      result,
      400,
      'status_exception',
      `Received a server error status code for request from inference entity id [${id}] status [502]. Error message: [Bad gateway.]`,
    );
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('a plain-text error body still maps to the status and prefix, without an error message', async () => {
    const id = newId('emb-text-err');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 404, body: 'nothing here' });
    const result = await embed(id, ['x']);
    expectEsError(result, 404, 'status_exception', `Resource not found at [${mock.embeddingsUrl}] for request from inference entity id [${id}] status [404]`);
  });

  describe('with a short retry window', () => {
    let short: TestServer;
    beforeAll(async () => {
      short = await startTestServer({ retryInitialDelayMs: 50, retryMaxDelayMs: 50, retryWindowMs: 300 });
    });
    afterAll(async () => {
      await short?.stop();
    });

    async function persistentFailure(id: string, fault: Parameters<MockOpenAi['enqueueFault']>[1]): Promise<TestResponse> {
      await createEmbedding(id, { dimensions: 4 }, short);
      mock.reset();
      for (let i = 0; i < 100; i++) mock.enqueueFault('embeddings', fault);
      const result = await embed(id, ['x'], '', short);
      // 50ms between attempts and a 300ms window: a handful of attempts, never all 100.
      const attempts = mock.requestsTo('embeddings').length;
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(7);
      return result;
    }

    test('a persistent 500 is retried within the window, then 400 "Received a server error status code"', async () => {
      const id = newId('emb-500');
      const result = await persistentFailure(id, { kind: 'status', status: 500 });
      expectEsError(
        result,
        400,
        'status_exception',
        `Received a server error status code for request from inference entity id [${id}] status [500]. Error message: [The server had an error while processing your request. Sorry about that!]`,
      );
    });

    test('a persistent 503 ends as 400 "Received a server busy error status code"', async () => {
      const id = newId('emb-503');
      const result = await persistentFailure(id, { kind: 'status', status: 503 });
      expectEsError(
        result,
        400,
        'status_exception',
        `Received a server busy error status code for request from inference entity id [${id}] status [503]. Error message: [The engine is currently overloaded, please try again later]`,
      );
    });

    test('a persistent 429 ends as 429 with the token and request limits from the headers', async () => {
      const id = newId('emb-429');
      const result = await persistentFailure(id, { kind: 'status', status: 429 });
      expectEsError(
        result,
        429,
        'status_exception',
        new RegExp(
          '^Received a rate limit status code\\. Token limit \\[40000\\], remaining tokens \\[39990\\]\\. Request limit \\[3\\], remaining requests \\[0\\] ' +
            `for request from inference entity id \\[${id}\\] status \\[429\\]\\. Error message: \\[Rate limit reached for text-embedding-3-small`,
        ),
      );
    });

    test('a 429 without rate-limit headers says `unknown` for each limit', async () => {
      const bare = await scriptedServer((_raw, res) => {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } }));
      });
      try {
        const id = newId('emb-429-bare');
        const put = await short.call('PUT', `/_inference/text_embedding/${id}`, {
          service: 'openai',
          service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: bare.url },
        });
        expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
        expect(put.json.error.caused_by).toEqual({
          type: 'status_exception',
          reason:
            'Received a rate limit status code. Token limit [unknown], remaining tokens [unknown]. Request limit [unknown], remaining requests [unknown] ' +
            `for request from inference entity id [${id}] status [429]. Error message: [slow down]`,
        });
        expect(bare.hits()).toBeGreaterThanOrEqual(2);
        expect(bare.hits()).toBeLessThanOrEqual(7);
      } finally {
        await bare.close();
      }
    });

    test('a provider that keeps dropping the connection gives a 400 naming the endpoint, not a hang or 500', async () => {
      const id = newId('emb-drop');
      const result = await persistentFailure(id, { kind: 'dropConnection' });
      expect(result.status).toBe(400);
      expect(result.json.error.type).toBe('status_exception');
      expect(result.json.error.reason).toContain(`inference entity id [${id}]`);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('unreadable provider answers', () => {
  test('a single dropped connection is retried (I/O errors are retryable)', async () => {
    const id = newId('emb-drop-once');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'dropConnection' });
    const result = await embed(id, ['x']);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: embeddingFor('x', 4) }] });
    expect(mock.requestsTo('embeddings')).toHaveLength(2);
  });

  // Elasticsearch retries an answer its parser cannot read (up to three attempts) and then reports it as a 500
  // "Failed to send <request> request. Cause: ..."; an empty body is not retried.
  test.each([
    ['malformed', 3, /^Failed to send OpenAI embeddings request\. Cause: the response body is not valid JSON$/],
    ['wrongShape', 3, /^Failed to send OpenAI embeddings request\. Cause: Failed to find required field \[data\] in OpenAI embeddings response$/],
    ['empty', 1, /^Failed to send OpenAI embeddings request\. Cause: Response body was empty for request from inference entity id \[ID\]$/],
  ] as const)('embeddings: a %s answer is a 500 after %d attempt(s)', async (kind, attempts, pattern) => {
    const id = newId(`emb-${kind.toLowerCase()}`);
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    for (let i = 0; i < 3; i++) mock.enqueueFault('embeddings', { kind });
    const result = await embed(id, ['x']);
    expectEsError(result, 500, 'status_exception', new RegExp(pattern.source.replace('ID', id)));
    expect(mock.requestsTo('embeddings')).toHaveLength(attempts);
  });

  test('a malformed answer followed by a good one succeeds (parse failures are retried)', async () => {
    const id = newId('emb-malformed-once');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'malformed' });
    const result = await embed(id, ['x']);
    expect(result.status).toBe(200);
    expect(mock.requestsTo('embeddings')).toHaveLength(2);
  });

  test('a wrong-shaped answer to the validation call fails the PUT', async () => {
    const id = newId('emb-wrongshape-put');
    for (let i = 0; i < 3; i++) mock.enqueueFault('embeddings', { kind: 'wrongShape' });
    const put = await putEmbedding(server, id);
    expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
    expect(put.json.error.caused_by.reason).toContain('Failed to send OpenAI embeddings request');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('timeouts and rate limits (reference §1.5)', () => {
  test('a completion that never answers times out with the timeout given in the body', async () => {
    const id = newId('cmp-hang');
    await createCompletion(id);
    mock.reset();
    mock.enqueueFault('chat', { kind: 'hang' });
    const result = await server.call('POST', `/_inference/completion/${id}`, { input: 'x', timeout: '250ms' });
    expectEsError(result, 408, 'status_exception', 'Request timed out after [250ms]');
    await mock.waitForAbortedRequests(1);
  });

  test('a hanging validation call fails the PUT with the timeout as its cause', async () => {
    const id = newId('emb-hang-put');
    mock.enqueueFault('embeddings', { kind: 'hang' });
    const put = await server.call('PUT', `/_inference/text_embedding/${id}?timeout=300ms`, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
    });
    expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
    expect(put.json.error.caused_by).toEqual({ type: 'status_exception', reason: 'Request timed out after [300ms]' });
    await mock.waitForAbortedRequests(1);
  });

  describe('rate_limit.requests_per_minute', () => {
    let limited: TestServer;
    beforeAll(async () => {
      limited = await startTestServer({ rateLimitIntervalMs: 60000, skipValidation: true });
    });
    afterAll(async () => {
      await limited?.stop();
    });

    test('a request that waits longer than its timeout for a slot gets 429 "Request timed out after [200ms] for inference id [<id>]"', async () => {
      const id = newId('emb-rl');
      const other = newId('emb-rl-other');
      await createEmbedding(id, { dimensions: 4, rate_limit: { requests_per_minute: 1 } }, limited);
      await createEmbedding(other, { dimensions: 4, rate_limit: { requests_per_minute: 1 } }, limited);
      expect(mock.requestsTo('embeddings')).toHaveLength(0); // validation skipped

      const first = await embed(id, ['x'], '', limited);
      expect(first.status).toBe(200);
      const second = await embed(id, ['y'], '?timeout=200ms', limited);
      expectEsError(second, 429, 'status_exception', `Request timed out after [200ms] for inference id [${id}]`);
      // The throttled request never reached the provider.
      expect(mock.requestsTo('embeddings')).toHaveLength(1);

      // The limit is per endpoint: another endpoint still has its slot.
      const elsewhere = await embed(other, ['z'], '?timeout=200ms', limited);
      expect(elsewhere.status).toBe(200);
      expect(mock.requestsTo('embeddings')).toHaveLength(2);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('completion', () => {
  test('returns {"completion":[{"result":...}]} from the chat completions API', async () => {
    const id = newId('cmp');
    const put = await createCompletion(id);
    expect(put.json).toEqual({
      inference_id: id,
      task_type: 'completion',
      service: 'openai',
      service_settings: { model_id: 'gpt-4o-mini', url: mock.chatUrl, rate_limit: { requests_per_minute: 500 } },
    });
    const validation = mock.requestsTo('chat');
    expect(validation).toHaveLength(1);
    expect(bodyOf(validation[0]).messages).toEqual([{ role: 'user', content: 'how big' }]);

    const result = await server.call('POST', `/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ completion: [{ result: 'Echo: What is Elastic?' }] });
    const call = mock.requestsTo('chat')[1];
    expect(bodyOf(call)).toEqual({
      messages: [{ role: 'user', content: 'What is Elastic?' }],
      model: 'gpt-4o-mini',
      n: 1,
      stream: false,
    });
    expect(call.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  test('several inputs are refused: "OpenAI chat completions only accepts 1 input", nothing sent upstream', async () => {
    const id = newId('cmp-multi');
    await createCompletion(id);
    mock.reset();
    const result = await server.call('POST', `/_inference/${id}`, { input: ['first', 'second'] });
    expectEsError(result, 400, 'status_exception', 'OpenAI chat completions only accepts 1 input');
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });

  test('task_settings.user stored at PUT, overridden per request, reaches upstream as `user`', async () => {
    const id = newId('cmp-user');
    const put = await createCompletion(id, {}, { task_settings: { user: 'stored-user' } });
    expect(put.json.task_settings).toEqual({ user: 'stored-user' });
    expect(bodyOf(mock.requestsTo('chat')[0]).user).toBe('stored-user'); // the validation call

    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'a' })).status).toBe(200);
    const override = await server.call('POST', `/_inference/completion/${id}`, { input: 'b', task_settings: { user: 'request-user' } });
    expect(override.status).toBe(200);
    // The override is for that request only.
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'c' })).status).toBe(200);
    expect(mock.requestsTo('chat').map((call) => bodyOf(call).user)).toEqual(['stored-user', 'stored-user', 'request-user', 'stored-user']);
  });

  test('without a user task setting no `user` is sent', async () => {
    const id = newId('cmp-nouser');
    await createCompletion(id);
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'a' })).status).toBe(200);
    for (const call of mock.requestsTo('chat')) expect(bodyOf(call)).not.toHaveProperty('user');
  });

  test('the headers task setting is sent upstream, and can be given per request', async () => {
    const id = newId('cmp-headers');
    const put = await createCompletion(id, {}, { task_settings: { headers: { 'X-Custom-Trace': 'stored-trace' } } });
    expect(put.json.task_settings).toEqual({ headers: { 'X-Custom-Trace': 'stored-trace' } });
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'a' })).status).toBe(200);
    const perRequest = await server.call('POST', `/_inference/completion/${id}`, {
      input: 'b',
      task_settings: { headers: { 'X-Custom-Trace': 'request-trace' } },
    });
    expect(perRequest.status).toBe(200);
    const calls = mock.requestsTo('chat');
    expect(calls.map((call) => call.headers['x-custom-trace'])).toEqual(['stored-trace', 'stored-trace', 'request-trace']);
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  test('an invalid per-request task setting is rejected before any upstream call', async () => {
    const id = newId('cmp-badts');
    await createCompletion(id);
    mock.reset();
    const result = await server.call('POST', `/_inference/completion/${id}`, { input: 'a', task_settings: { user: 42 } });
    expect(result.status).toBe(400);
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('authentication options', () => {
  // A client whose id shares nothing with its secret, so that any 8-character run of the secret is telling.
  const CLIENT_ID = 'infergate-app';
  const CLIENT_SECRET = 'Zp4-oauth-SECRET-value-9931';
  beforeEach(() => {
    mock.config.oauthClients[CLIENT_ID] = CLIENT_SECRET;
  });
  const oauthSettings = (overrides: Record<string, unknown> = {}) => ({
    model_id: 'text-embedding-3-small',
    url: mock.embeddingsUrl,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    scopes: ['inference.read', 'inference.write'],
    token_url: mock.tokenUrl,
    dimensions: 4,
    ...overrides,
  });

  test('OAuth2 client credentials: a token is fetched once, used as Bearer, and the secret is never echoed', async () => {
    const id = newId('emb-oauth');
    const logsBefore = server.logs.length;
    const put = await server.call('PUT', `/_inference/text_embedding/${id}`, { service: 'openai', service_settings: oauthSettings() });
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      model_id: 'text-embedding-3-small',
      url: mock.embeddingsUrl,
      client_id: CLIENT_ID,
      scopes: ['inference.read', 'inference.write'],
      token_url: mock.tokenUrl,
      dimensions: 4,
      similarity: 'dot_product',
      rate_limit: { requests_per_minute: 3000 },
    });

    expect((await embed(id, ['one'])).status).toBe(200);
    expect((await embed(id, ['two'])).status).toBe(200);

    const tokenRequests = mock.requestsTo('token');
    expect(tokenRequests).toHaveLength(1); // cached across the validation call and both inference calls
    const form = bodyOf(tokenRequests[0]);
    expect(form.grant_type).toBe('client_credentials');
    expect(form.scope).toBe('inference.read inference.write');
    // client_secret_post or client_secret_basic: either way the client is identified.
    const basic = /^Basic (\S+)$/.exec(tokenRequests[0].headers.authorization ?? '');
    const clientId = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : form.client_id;
    expect(clientId).toBe(CLIENT_ID);
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(3);
    const bearers = calls.map((call) => call.headers.authorization);
    expect(bearers[0]).toMatch(/^Bearer \S+$/);
    expect(new Set(bearers).size).toBe(1);
    expect(bearers[0]).not.toBe(`Bearer ${DEFAULT_API_KEY}`);
    expect(bearers[0]).not.toContain(CLIENT_SECRET);

    const get = await server.call('GET', `/_inference/${id}`);
    expect(get.status).toBe(200);
    for (const text of [put.text, get.text, server.logs.slice(logsBefore).join('')]) {
      expectNoSecret(text, CLIENT_SECRET);
      expect(text).not.toContain('client_secret');
    }
    // The access token is a secret too.
    expect(server.logs.slice(logsBefore).join('')).not.toContain(String(bearers[0]).slice('Bearer '.length));
  });

  test('OAuth2 with a wrong client secret fails the PUT with a 401 cause and does not leak the secret', async () => {
    const id = newId('emb-oauth-bad');
    const wrongSecret = 'wrong-secret-Hq3Jd9Lx0Pz';
    const logsBefore = server.logs.length;
    const put = await server.call('PUT', `/_inference/text_embedding/${id}`, {
      service: 'openai',
      service_settings: oauthSettings({ client_secret: wrongSecret }),
    });
    expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
    expect(put.json.error.caused_by.reason.startsWith(`Received an authentication error status code for request from inference entity id [${id}] status [401]`)).toBe(true);
    expect(mock.requestsTo('embeddings')).toHaveLength(0);
    expectNoSecret(put.text, wrongSecret);
    expectNoSecret(server.logs.slice(logsBefore).join(''), wrongSecret);
  });

  test('organization_id is sent as the OpenAI-Organization header', async () => {
    const id = newId('emb-org');
    const put = await putEmbedding(server, id, { organization_id: 'org-infergate-test', dimensions: 4 });
    expect(put.status).toBe(200);
    expect(put.json.service_settings.organization_id).toBe('org-infergate-test');
    expect((await embed(id, ['x'])).status).toBe(200);
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.headers['openai-organization']).toBe('org-infergate-test');

    const cmp = newId('cmp-org');
    await createCompletion(cmp, { organization_id: 'org-completion' });
    expect((await server.call('POST', `/_inference/completion/${cmp}`, { input: 'x' })).status).toBe(200);
    for (const call of mock.requestsTo('chat')) expect(call.headers['openai-organization']).toBe('org-completion');
  });

  test('without organization_id no OpenAI-Organization header is sent', async () => {
    const id = newId('emb-noorg');
    await createEmbedding(id, { dimensions: 4 });
    expect(mock.requestsTo('embeddings')[0].headers).not.toHaveProperty('openai-organization');
  });
});
