/**
 * npm run mock:openai — a stand-in for OpenAI on loopback (the test suite's mock: embeddings, chat completions,
 * streams), accepting any API key, so that the README's examples run without network:
 *
 *   npm run mock:openai                                          # MOCK_OPENAI_PORT, default 9400
 *   INFERGATE_UPSTREAM_ORIGINS=openai=http://127.0.0.1:9400 npm start
 */
import { MockOpenAi } from '../test/providers/openai/mock-openai';

async function main(): Promise<void> {
  const port = Number(process.env.MOCK_OPENAI_PORT ?? 9400);
  const mock = await new MockOpenAi({ acceptAnyKey: true, shuffleEmbeddingOrder: false }).listen(port);
  console.log(`mock OpenAI listening on ${mock.url} (any API key is accepted)`);
  console.log(`start infergate with INFERGATE_UPSTREAM_ORIGINS=openai=${mock.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void mock.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
