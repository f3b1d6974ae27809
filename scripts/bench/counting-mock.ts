/**
 * The OpenAI mock for bench:batching, in a process of its own: every answer after MOCK_LATENCY_MS (a remote
 * provider's round trip), and on STATS_PORT a `GET /` that answers how many embeddings requests and inputs it has
 * received since the last such `GET` (which starts the count again).
 */
import { createServer } from 'node:http';
import { MockOpenAi } from '../../test/providers/openai/mock-openai';

async function main(): Promise<void> {
  const latencyMs = Number(process.env.MOCK_LATENCY_MS ?? 0);
  const mock = await new MockOpenAi({ acceptAnyKey: true, shuffleEmbeddingOrder: false, defaultDimensions: 64 }).listen(Number(process.env.MOCK_OPENAI_PORT));
  mock.answerDelayMs = latencyMs;
  const stats = createServer((_request, response) => {
    const requests = mock.requestsTo('embeddings');
    const inputs = requests.reduce((sum, request) => sum + ((request.body as { input?: unknown[] } | undefined)?.input?.length ?? 0), 0);
    const counts = { requests: requests.length, inputs };
    mock.reset();
    mock.answerDelayMs = latencyMs;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
  });
  stats.listen(Number(process.env.STATS_PORT), '127.0.0.1');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void mock.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
