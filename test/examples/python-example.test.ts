/**
 * examples/python/inference.py, run with the official `elasticsearch` Python client against infergate and the OpenAI
 * mock: its embeddings are the mock's and its stream (read through perform_request) is the completion. Python comes
 * from the repository's .venv (made by .ci/run) or python3; without it or the package the test says so and is
 * skipped, except in CI, where it must run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { embeddingFor, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

const ROOT = path.join(__dirname, '../..');
const VENV_PYTHON = path.join(ROOT, '.venv/bin/python');
const PYTHON = existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';

function hasClient(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import elasticsearch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = process.env.CI === 'true' || hasClient();
if (!available) console.warn(`python-example: no \`elasticsearch\` package for ${PYTHON} (python3 -m venv .venv && .venv/bin/pip install 'elasticsearch>=8,<10'): skipped`);

let mock: MockOpenAi;
let server: TestServer;

(available ? describe : describe.skip)('examples/python/inference.py', () => {
  beforeAll(async () => {
    mock = await startMockOpenAi({ acceptAnyKey: true, shuffleEmbeddingOrder: false });
    server = await startTestServer({ upstreamOrigins: { openai: mock.url } });
  });
  afterAll(async () => {
    await server?.stop();
    await mock?.close();
  });

  test('creates the endpoints, embeds, streams a completion; runs again from scratch', async () => {
    const runExample = () =>
      promisify(execFile)(PYTHON, [path.join(ROOT, 'examples/python/inference.py')], {
        env: { ...process.env, INFERGATE_URL: server.url, OPENAI_API_KEY: 'sk-python-example' },
      });
    for (let run = 0; run < 2; run++) {
      const { stdout } = await runExample();
      const lines = stdout.trim().split('\n');
      expect(lines.filter((line) => line.startsWith('embedding ')).map((line) => JSON.parse(line.slice('embedding '.length)))).toEqual(
        ['The sky above the port', 'was the color of television'].map((text) => embeddingFor(text, 8)),
      );
      expect(lines).toContain('completion Echo: What is Elastic?');
    }
    // One streamed chat call per run (the PUT's validation call is not streamed).
    const chats = mock.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(chats.filter((request) => (request.body as { stream?: boolean }).stream === true)).toHaveLength(2);
  }, 120_000);
});
