/** What openai's own suites share: the mock, a server without an origin override (the tests point endpoints at URLs
 * of their own), and creating its endpoints. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestResponse, TestServer } from '../../support/server';
import { withMockedService } from '../../support/service-setup';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from './mock-openai';

export function openAiSuite() {
  const openai = withMockedService('openai', () => startMockOpenAi(), { upstreamOrigins: {} });
  const mock = (): MockOpenAi => openai.mock;

  function putEmbedding(target: TestServer, id: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<TestResponse> {
    return target.call('PUT', `/_inference/text_embedding/${id}`, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock().embeddingsUrl, ...settings },
      ...extra,
    });
  }

  async function createEmbedding(id: string, settings: Record<string, unknown> = {}, target: TestServer = openai.server): Promise<void> {
    const put = await putEmbedding(target, id, settings);
    expect(put.status).toBe(200);
  }

  async function createCompletion(id: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<TestResponse> {
    const put = await openai.server.call('PUT', `/_inference/completion/${id}`, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock().chatUrl, ...settings },
      ...extra,
    });
    expect(put.status).toBe(200);
    return put;
  }

  const embed = (id: string, input: unknown, query = '', target: TestServer = openai.server) =>
    target.call('POST', `/_inference/text_embedding/${id}${query}`, { input });

  return { openai, putEmbedding, createEmbedding, createCompletion, embed };
}

/** A one-off HTTP server on loopback whose answers the test scripts; `hits` counts the requests it received. */
export async function scriptedServer(
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
export const fixedLengthEmbeddingsServer = (length: number) =>
  scriptedServer((raw, res) => {
    const input = (JSON.parse(raw) as { input: string[] }).input;
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: embeddingFor(text, length) }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: 'fixed', usage: { prompt_tokens: 1, total_tokens: 1 } }));
  });
