/**
 * The wording of OpenAI's response handler for each provider status, unreadable answers, and timeouts and rate
 * limits as OpenAI endpoints meet them (reference §11, §1.5), against a real mock OpenAI server.
 */
import { DEFAULT_API_KEY, embeddingFor, type MockOpenAi } from './mock-openai';
import { expectEsError, expectNoSecret } from '../../support/assertions';
import { startTestServer, type TestResponse, type TestServer } from '../../support/server';
import { bodyOf, newId } from '../../support/service-setup';
import { openAiSuite, scriptedServer } from './openai-setup';

const { openai, putEmbedding, createEmbedding, createCompletion, embed } = openAiSuite();
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

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
describe('hostile or broken provider answers', () => {
  // Its first 64 KiB are not JSON: the reason says the status only.
  test('a huge error body is read in part: the answer stays small and the server responsive', async () => {
    const huge = scriptedServer((_raw, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'x'.repeat(20 * 1024 * 1024), type: 'invalid_request_error' } }));
    });
    const upstream = await huge;
    try {
      const id = newId('emb-huge-error');
      const started = Date.now();
      const put = await putEmbedding(server, id, { url: upstream.url });
      expect(put.status).toBe(400);
      expect(put.text.length).toBeLessThan(64 * 1024);
      expect(put.json.error.caused_by.reason).toBe(`Received a bad request status code for request from inference entity id [${id}] status [400]`);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await upstream.close();
    }
  });

  test('when one batch fails, the call answers and the batches still running are aborted', async () => {
    const id = newId('emb-batch-fail');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
    mock.enqueueFault('embeddings', { kind: 'hang' });
    // Two full batches go at once (one fails, one hangs); the last, of one input, may wait for company
    // (kit/coalescer.ts) and is then withdrawn unsent, or sent and aborted.
    const result = await embed(id, Array.from({ length: 2 * 2048 + 1 }, (_, i) => `t${i}`));
    expect(result.status).toBe(400);
    await mock.waitForAbortedRequests(1);
  });

  test('an input the provider finds too large is halved again at each attempt', async () => {
    const id = newId('emb-413');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    for (let i = 0; i < 3; i++) mock.enqueueFault('embeddings', { kind: 'status', status: 413 });
    const result = await embed(id, ['abcdefghijklmnop']);
    expect(result.status).toBe(413);
    expect(mock.requestsTo('embeddings').map((request) => bodyOf(request).input)).toEqual([['abcdefghijklmnop'], ['abcdefgh'], ['abcd']]);
  });

  test('a relative url (the settings take one, as Elasticsearch does) fails once, as a 400 naming it', async () => {
    const routed = await startTestServer({ upstreamOrigins: { openai: mock.url }, skipValidation: true });
    try {
      const id = newId('emb-relative');
      expect((await putEmbedding(routed, id, { url: 'openai-embeddings-url' })).status).toBe(200);
      expectEsError(await embed(id, ['x'], '', routed), 400, 'status_exception', `Failed to send request from inference entity id [${id}] to [openai-embeddings-url]: ERR_INVALID_URL`);
      expect(mock.requestsTo('embeddings')).toHaveLength(0);
    } finally {
      await routed.stop();
    }
  });

  test('a timeout longer than a timer can hold still waits for the answer', async () => {
    const id = newId('emb-long-timeout');
    await createEmbedding(id, { dimensions: 4 });
    mock.enqueueFault('embeddings', { kind: 'delay', ms: 50 });
    expect((await embed(id, ['x'], '?timeout=25d')).status).toBe(200);
  });
});
