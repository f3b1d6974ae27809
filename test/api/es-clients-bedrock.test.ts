/**
 * The official Elasticsearch clients (8.19 and 9.x) drive an amazonbedrock completion endpoint through infergate and
 * the Bedrock Runtime mock (reached through INFERGATE_UPSTREAM_ORIGINS, every request's SigV4 signature checked):
 * put, completion, a streamed completion, and delete.
 */
import { BEDROCK_KEY, startMockBedrock, type MockBedrock } from '../providers/amazonbedrock/mock-amazonbedrock';
import { startTestServer, type TestServer } from '../support/server';
import { dataLines, ES_CLIENTS, expectResponseError, readAll, type EsClientUnderTest } from './es-clients-support';

let mock: MockBedrock;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockBedrock();
  server = await startTestServer({ upstreamOrigins: { amazonbedrock: mock.url } });
});
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

const MODEL = 'amazon.titan-text-premier-v1:0';

describe.each(ES_CLIENTS)('%s', (_title, tag, createClient) => {
  let client: EsClientUnderTest;
  const id = `${tag}-bedrock-completion`;

  beforeAll(() => {
    client = createClient(server.url);
  });
  afterAll(async () => {
    await client.close();
  });

  test('put, completion, streamed completion and delete of an amazonbedrock endpoint', async () => {
    mock.reset();
    const put = await client.put('completion', id, {
      service: 'amazonbedrock',
      service_settings: {
        access_key: BEDROCK_KEY.accessKeyId,
        secret_key: BEDROCK_KEY.secretAccessKey,
        region: BEDROCK_KEY.region,
        provider: 'amazontitan',
        model: MODEL,
      },
      task_settings: { max_new_tokens: 64, temperature: 0.2 },
    });
    expect(put).toEqual({
      inference_id: id,
      task_type: 'completion',
      service: 'amazonbedrock',
      service_settings: { region: 'us-east-1', model: MODEL, provider: 'AMAZONTITAN', rate_limit: { requests_per_minute: 240 } },
      task_settings: { max_new_tokens: 64, temperature: 0.2 },
    });
    expect(mock.requests.map((request) => request.path)).toEqual(['/model/amazon.titan-text-premier-v1%3A0/converse']);

    mock.reset();
    expect(await client.completion(id, 'what is elastic?')).toEqual({ completion: [{ result: 'Echo: what is elastic?' }] });
    expect(mock.requestsTo('converse').map((request) => request.rawBody)).toEqual([
      '{"messages":[{"role":"user","content":[{"text":"what is elastic?"}]}],"inferenceConfig":{"maxTokens":64,"temperature":0.2}}',
    ]);

    const { body, headers } = await client.streamCompletion(id, 'tell me more');
    expect(String(headers['content-type'])).toMatch(/^text\/event-stream/);
    const data = dataLines(await readAll(body));
    expect(data.at(-1)).toBe('[DONE]');
    const deltas = data.slice(0, -1).flatMap((d) => (JSON.parse(d) as { completion: Array<{ delta: string }> }).completion.map((c) => c.delta));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Echo: tell me more');
    expect(mock.requests.at(-1)!.path).toBe('/model/amazon.titan-text-premier-v1%3A0/converse-stream');

    expect(await client.delete(id)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    await expectResponseError(client, client.get(id), 404, 'resource_not_found_exception');
    const answers = JSON.stringify(server.bodies);
    expect(answers).not.toContain(BEDROCK_KEY.secretAccessKey);
    expect(answers).not.toContain(BEDROCK_KEY.accessKeyId);
  });
});
