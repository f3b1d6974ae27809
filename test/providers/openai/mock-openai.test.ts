import {
  DEFAULT_API_KEY,
  DEFAULT_OAUTH_CLIENT_ID,
  DEFAULT_OAUTH_CLIENT_SECRET,
  embeddingFor,
  startMockOpenAi,
  type MockOpenAi,
} from './mock-openai';

interface EmbeddingItem {
  object: string;
  index: number;
  embedding: number[] | string;
}
interface EmbeddingsResponse {
  object: string;
  data: EmbeddingItem[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
interface ChunkChoice {
  index: number;
  delta: { role?: string; content?: string | null; tool_calls?: unknown[] };
  finish_reason: string | null;
}
interface Chunk {
  object: string;
  choices: ChunkChoice[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

let mock: MockOpenAi;

beforeAll(async () => {
  mock = await startMockOpenAi();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

function post(url: string, body: unknown, apiKey: string | null = DEFAULT_API_KEY, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
}

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
}

/** Splits an SSE body into its `data:` payloads, checking the framing on the way. */
function ssePayloads(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      return frame.slice('data: '.length);
    });
}

async function waitUntil(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('embeddings', () => {
  it('answers in OpenAI shape, deterministic, normalised, shuffled with correct indexes', async () => {
    const inputs = ['alpha', 'beta', 'gamma', 'delta'];
    const res = await post(mock.embeddingsUrl, { model: 'text-embedding-3-small', input: inputs });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as EmbeddingsResponse;

    expect(body.object).toBe('list');
    expect(body.model).toBe('text-embedding-3-small');
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
    const order = body.data.map((item) => item.index);
    expect([...order].sort()).toEqual([0, 1, 2, 3]);
    expect(order).not.toEqual([0, 1, 2, 3]);
    for (const item of body.data) {
      expect(item.object).toBe('embedding');
      const vector = item.embedding as number[];
      expect(vector).toHaveLength(1536);
      expect(vector).toEqual(embeddingFor(inputs[item.index], 1536));
      expect(norm(vector)).toBeCloseTo(1, 5);
    }

    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]).toMatchObject({ method: 'POST', path: '/v1/embeddings', body: { input: inputs } });
    expect(mock.requests[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  it('honours dimensions, a single string input and base64 encoding', async () => {
    const floats = (await (await post(mock.embeddingsUrl, { model: 'm', input: 'hello', dimensions: 8 })).json()) as EmbeddingsResponse;
    expect(floats.data).toHaveLength(1);
    const vector = floats.data[0].embedding as number[];
    expect(vector).toHaveLength(8);
    expect(norm(vector)).toBeCloseTo(1, 5);

    const encoded = (await (
      await post(mock.embeddingsUrl, { model: 'm', input: ['hello'], dimensions: 8, encoding_format: 'base64' })
    ).json()) as EmbeddingsResponse;
    const bytes = Buffer.from(encoded.data[0].embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(vector);
  });

  it('rejects more than 2048 inputs with OpenAI 400 body', async () => {
    const res = await post(mock.embeddingsUrl, { model: 'm', input: Array.from({ length: 2049 }, (_, i) => `t${i}`) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});

describe('auth', () => {
  it('quotes a wrong key partially in the 401 body', async () => {
    const res = await post(mock.embeddingsUrl, { model: 'm', input: 'x' }, 'sk-wrong0123456789abcdef');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        message:
          'Incorrect API key provided: sk-wrong************cdef. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
  });

  it('answers a missing Authorization header with the "didn\'t provide" 401', async () => {
    const res = await post(mock.chatUrl, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, null);
    expect(res.status).toBe(401);
    const body = (await res.json()) as OpenAiErrorBody;
    expect(body.error.message).toMatch(/^You didn't provide an API key\./);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
  });

  it('mints OAuth2 client-credentials tokens that the API accepts, until revoked', async () => {
    const form = (secret: string) =>
      new URLSearchParams({ grant_type: 'client_credentials', client_id: DEFAULT_OAUTH_CLIENT_ID, client_secret: secret, scope: 'api' });

    const wrong = await fetch(mock.tokenUrl, { method: 'POST', body: form('nope') });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_client' });

    const res = await fetch(mock.tokenUrl, { method: 'POST', body: form(DEFAULT_OAUTH_CLIENT_SECRET) });
    expect(res.status).toBe(200);
    const token = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(token).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(mock.requestsTo('token')[1].body).toEqual({
      grant_type: 'client_credentials',
      client_id: DEFAULT_OAUTH_CLIENT_ID,
      client_secret: DEFAULT_OAUTH_CLIENT_SECRET,
      scope: 'api',
    });

    const used = await post(mock.embeddingsUrl, { model: 'm', input: 'x' }, token.access_token);
    expect(used.status).toBe(200);

    mock.revokeTokens();
    expect((await post(mock.embeddingsUrl, { model: 'm', input: 'x' }, token.access_token)).status).toBe(401);
  });
});

describe('faults', () => {
  it('serves a queued 429 with rate-limit headers, then succeeds', async () => {
    mock.enqueueFault('embeddings', { kind: 'status', status: 429 });
    const limited = await post(mock.embeddingsUrl, { model: 'text-embedding-3-small', input: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(limited.headers.get('x-ratelimit-limit-tokens')).not.toBeNull();
    expect(limited.headers.get('x-ratelimit-remaining-tokens')).not.toBeNull();
    const body = (await limited.json()) as OpenAiErrorBody;
    expect(body.error).toMatchObject({ type: 'requests', param: null, code: 'rate_limit_exceeded' });
    expect(body.error.message).toContain('text-embedding-3-small');

    const ok = await post(mock.embeddingsUrl, { model: 'text-embedding-3-small', input: 'x' });
    expect(ok.status).toBe(200);
    expect(mock.pendingFaults('embeddings')).toBe(0);
  });

  it('answers malformed, empty and wrong-shape 200s', async () => {
    mock.enqueueFault('chat', { kind: 'malformed' });
    mock.enqueueFault('chat', { kind: 'empty' });
    mock.enqueueFault('chat', { kind: 'wrongShape' });
    const chat = () => post(mock.chatUrl, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });

    const malformed = await chat();
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();
    expect(await (await chat()).text()).toBe('');
    const wrong = (await (await chat()).json()) as Record<string, unknown>;
    expect(wrong.object).toBe('chat.completion');
    expect(wrong.choices).toBeUndefined();
  });

  it('drops the connection', async () => {
    mock.enqueueFault('embeddings', { kind: 'dropConnection' });
    await expect(post(mock.embeddingsUrl, { model: 'm', input: 'x' })).rejects.toThrow();
    expect(mock.abortedRequests).toBe(0);
  });
});

describe('chat completions', () => {
  const messages = [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'hello there world' }] },
  ];

  it('answers a non-streaming request with a chat.completion echo', async () => {
    const res = await post(mock.chatUrl, { model: 'gpt-4o-mini', messages });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Echo: hello there world', refusal: null }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
  });

  it('streams OpenAI frames with a usage chunk and [DONE]', async () => {
    const res = await post(mock.chatUrl, { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const payloads = ssePayloads(await res.text());

    expect(payloads.at(-1)).toBe('[DONE]');
    const chunks = payloads.slice(0, -1).map((p) => JSON.parse(p) as Chunk);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: 4, total_tokens: expect.any(Number) });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const text = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).join('');
    expect(text).toBe('Echo: hello there world');
  });

  it('streams without usage when not asked, and a queued tool call', async () => {
    mock.enqueueFault('chat', { kind: 'toolCall', arguments: '{"city":"Paris"}' });
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const payloads = ssePayloads(await (await post(mock.chatUrl, { model: 'm', messages, stream: true, tools })).text());
    const chunks = payloads.slice(0, -1).map((p) => JSON.parse(p) as Chunk);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks[0].choices[0].delta.tool_calls).toEqual([
      { index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '' } },
    ]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('ends a streamError stream with an in-stream error frame and no [DONE]', async () => {
    mock.enqueueFault('chat', { kind: 'streamError', chunks: 1 });
    const payloads = ssePayloads(await (await post(mock.chatUrl, { model: 'm', messages, stream: true })).text());
    expect(payloads).toHaveLength(3);
    expect(JSON.parse(payloads[2])).toMatchObject({ error: { type: 'server_error' } });
  });

  it('counts a client abort of a stream', async () => {
    mock.config.chunkDelayMs = 30;
    const controller = new AbortController();
    const res = await post(mock.chatUrl, { model: 'm', messages, stream: true }, DEFAULT_API_KEY, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    expect(mock.activeStreams()).toBe(1);
    controller.abort();
    await mock.waitForAbortedRequests(1);
    await waitUntil(() => mock.activeStreams() === 0);
  });

  it('fails the body of a streamThenDrop stream', async () => {
    mock.enqueueFault('chat', { kind: 'streamThenDrop', chunks: 2 });
    const res = await post(mock.chatUrl, { model: 'm', messages, stream: true });
    await expect(res.text()).rejects.toThrow();
  });
});

describe('close', () => {
  it('does not hang with a hanging request or a silent stream open', async () => {
    const own = await startMockOpenAi();
    own.enqueueFault('embeddings', { kind: 'hang' });
    own.enqueueFault('chat', { kind: 'streamThenSilence', chunks: 1 });
    const hanging = post(own.embeddingsUrl, { model: 'm', input: 'x' });
    const silent = await post(own.chatUrl, { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const silentBody = silent.text();
    await waitUntil(() => own.requests.length === 2);

    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hanging).rejects.toThrow();
    await expect(silentBody).rejects.toThrow();
  });
});
