/** The official JavaScript clients against infergate with security on: `security.*` manages keys, and a client with
 * `auth: { apiKey }` goes through the whole put / infer / delete cycle; the errors are what they expect. */
import { Client as Client8 } from 'es8';
import { Client as Client9, errors as errors9 } from 'es9';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';
import { ELASTIC_PASSWORD, securityConfig } from '../support/security';

let mock: MockOpenAi;
let server: TestServer;
let admin: Client9;

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer(securityConfig);
  admin = new Client9({ node: server.url, auth: { username: 'elastic', password: ELASTIC_PASSWORD } });
});

afterAll(async () => {
  await admin?.close();
  await server?.stop();
  await mock?.close();
});

test('es9: security.createApiKey, then a client with auth.apiKey puts, infers and deletes', async () => {
  const created = await admin.security.createApiKey({ name: 'es9-app', role_descriptors: { app: { cluster: ['manage_inference'] } } });
  expect(created.name).toBe('es9-app');
  const client = new Client9({ node: server.url, auth: { apiKey: created.encoded } });
  try {
    expect(await client.security.authenticate()).toMatchObject({ username: 'elastic', authentication_type: 'api_key', api_key: { id: created.id, name: 'es9-app' } });
    await client.inference.put({
      task_type: 'text_embedding',
      inference_id: 'es9-secured',
      inference_config: { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl } },
    });
    const result = await client.inference.textEmbedding({ inference_id: 'es9-secured', input: ['secured'] });
    expect(result?.text_embedding?.[0]?.embedding).toEqual(embeddingFor('secured', 1536));
    expect(await client.inference.delete({ inference_id: 'es9-secured' })).toMatchObject({ acknowledged: true });

    const keys = await admin.security.getApiKey({ id: created.id });
    expect(keys.api_keys.map((key) => key.name)).toEqual(['es9-app']);
    expect(await admin.security.invalidateApiKey({ ids: [created.id] })).toMatchObject({ invalidated_api_keys: [created.id], error_count: 0 });
    const refused = await client.inference.get().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(errors9.ResponseError);
    expect((refused as InstanceType<typeof errors9.ResponseError>).statusCode).toBe(401);
  } finally {
    await client.close();
  }
});

test('es9: a key without manage_inference gets the 403 as a ResponseError with Elasticsearch body', async () => {
  const created = await admin.security.createApiKey({ name: 'es9-reader', role_descriptors: { reader: { cluster: ['monitor_inference'] } } });
  const client = new Client9({ node: server.url, auth: { apiKey: { id: created.id, api_key: created.api_key } } });
  try {
    const error = (await client.inference.delete({ inference_id: 'anything' }).catch((e: unknown) => e)) as InstanceType<typeof errors9.ResponseError>;
    expect(error.statusCode).toBe(403);
    expect(error.body).toMatchObject({ error: { type: 'security_exception' }, status: 403 });
    expect((await client.inference.get()).endpoints).toBeDefined();
  } finally {
    await client.close();
  }
});

test('es8: auth.apiKey works and security.authenticate describes the key', async () => {
  const created = await admin.security.createApiKey({ name: 'es8-app' });
  const client = new Client8({ node: server.url, auth: { apiKey: created.encoded } });
  try {
    expect(await client.security.authenticate()).toMatchObject({ authentication_type: 'api_key', api_key: { name: 'es8-app' } });
    expect(Array.isArray((await client.inference.get()).endpoints)).toBe(true);
  } finally {
    await client.close();
  }
});
