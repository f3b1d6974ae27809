/** The IBM Cloud IAM token exchange of watsonxai: one token per endpoint, cached until near its expiry, shared by
 * concurrent calls, dropped on a 401 and on `_update` or DELETE; a refused or unreachable exchange is a clear
 * Elasticsearch error that never hangs; neither the API key nor a token leaves the server. */
import { createServer } from 'node:net';
import { expectNoSecretLeft } from '../../support/assertions';
import { startTestServer } from '../../support/server';
import { createEndpoint, newId } from '../../support/service-setup';
import type { CallContext } from '../../../server/inference/call-context';
import { watsonxUrl } from '../../../server/providers/watsonxai/wire';
import { WATSONX_API_KEY } from './mock-watsonxai';
import { CHAT_MODEL, EMBED_MODEL, endpoint, watsonxService } from './watsonx-setup';

const service = watsonxService();
const embed = (id: string, query = '') => service.server.call('POST', `/_inference/text_embedding/${id}${query}`, { input: 'a' });

async function embedEndpoint(settings: Record<string, unknown> = {}): Promise<string> {
  const id = newId('wx-iam');
  await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL, settings));
  return id;
}

const bearers = () => service.mock.requestsTo('embeddings').map((request) => request.headers.authorization);

test('the token of the PUT serves the calls that follow: no exchange until it nears its expiry', async () => {
  const id = await embedEndpoint();
  expect((await embed(id)).status).toBe(200);
  expect((await embed(id)).status).toBe(200);
  expect(service.mock.requestsTo('token')).toHaveLength(0);
  expect(new Set(bearers()).size).toBe(1);
});

test('a token that expires within the safety margin is not reused', async () => {
  service.mock.expiresIn = 20;
  const id = await embedEndpoint();
  service.mock.expiresIn = 20;
  await embed(id);
  await embed(id);
  expect(service.mock.requestsTo('token')).toHaveLength(2);
  expect(new Set(bearers()).size).toBe(2);
});

test('concurrent calls without a token share one exchange', async () => {
  const id = await embedEndpoint();
  await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { api_key: WATSONX_API_KEY } });
  service.mock.reset();
  service.mock.enqueueFault('token', { kind: 'delay', ms: 100 });
  const answers = await Promise.all([embed(id), embed(id), embed(id)]);
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  expect(service.mock.requestsTo('token')).toHaveLength(1);
});

test('a 401 of watsonx drops the token (the call fails, as Elasticsearch does not retry it); the next call gets a new one', async () => {
  const id = await embedEndpoint();
  service.mock.revokeTokens();
  const refused = await embed(id);
  expect({ status: refused.status, reason: refused.json.error.reason }).toEqual({
    status: 401,
    reason: `Received an authentication error status code for request from inference entity id [${id}] status [401]`,
  });
  expect((await embed(id)).status).toBe(200);
  expect(service.mock.requestsTo('token')).toHaveLength(1);
});

test('_update and DELETE drop the endpoint token', async () => {
  const id = await embedEndpoint();
  expect((await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { api_key: WATSONX_API_KEY } })).status).toBe(200);
  await embed(id);
  expect(service.mock.requestsTo('token')).toHaveLength(1);
  expect((await service.server.call('DELETE', `/_inference/${id}`)).status).toBe(200);
  service.mock.reset();
  expect((await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint(EMBED_MODEL))).status).toBe(200);
  expect(service.mock.requestsTo('token')).toHaveLength(1);
});

test("a key IAM does not know fails the PUT in Elasticsearch's words, with the HTTP reason phrase and not IAM's body", async () => {
  const id = newId('wx-iam');
  const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint(EMBED_MODEL, { api_key: 'Zz9-an-unknown-ibm-cloud-api-key-000000000' }));
  expect(put.status).toBe(400);
  expect(put.json.error.caused_by).toEqual({
    type: 'status_exception',
    reason: `Received a bad request status code for request to generate Bearer Token from inference entity id [${id}] status [400]. Error message: [Bad Request]`,
  });
  expect(put.text).not.toContain('BXNIM0415E');
  expect(service.mock.requestsTo('embeddings')).toHaveLength(0);
});

test.each([
  [401, 401, 'Received an authentication error status code', 'Unauthorized'],
  [403, 403, 'Received a permission denied error status code', 'Forbidden'],
  [503, 400, 'Received an unsuccessful status code', 'Service Unavailable'],
])('IAM answering %i: the call fails %i, not retried, watsonx not called', async (iamStatus, status, prefix, phrase) => {
  const id = await embedEndpoint();
  await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { api_key: WATSONX_API_KEY } });
  service.mock.reset();
  service.mock.enqueueFault('token', { kind: 'status', status: iamStatus });
  const failed = await embed(id);
  expect({ status: failed.status, reason: failed.json.error.reason }).toEqual({
    status,
    reason: `${prefix} for request to generate Bearer Token from inference entity id [${id}] status [${iamStatus}]. Error message: [${phrase}]`,
  });
  expect(service.mock.requestsTo('token')).toHaveLength(1);
  expect(service.mock.requestsTo('embeddings')).toHaveLength(0);
});

test('an IAM 500 is asked again, as Elasticsearch retries it', async () => {
  const id = await embedEndpoint();
  await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { api_key: WATSONX_API_KEY } });
  service.mock.reset();
  service.mock.enqueueFault('token', { kind: 'status', status: 500 });
  expect((await embed(id)).status).toBe(200);
  expect(service.mock.requestsTo('token')).toHaveLength(2);
});

test('an IAM that never answers: 408 at the timeout, the exchange aborted', async () => {
  const id = await embedEndpoint();
  await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { api_key: WATSONX_API_KEY } });
  service.mock.reset();
  service.mock.enqueueFault('token', { kind: 'hang' });
  const failed = await embed(id, '?timeout=300ms');
  expect({ status: failed.status, reason: failed.json.error.reason }).toEqual({ status: 408, reason: 'Request timed out after [300ms]' });
  await service.mock.waitForAbortedRequests(1);
  expect((await embed(id)).status).toBe(200);
});

test('an unreachable IAM: a 400 in Elasticsearch words, with the connection error as the cause', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const server = await startTestServer({ upstreamOrigins: { watsonxai: service.mock.url, 'ibm-iam': `http://127.0.0.1:${port}` } });
  try {
    const put = await server.call('PUT', `/_inference/completion/${newId('wx-iam')}`, endpoint(CHAT_MODEL));
    expect(put.status).toBe(400);
    expect(put.json.error.caused_by).toMatchObject({ type: 'x_content_parse_exception', reason: 'Failed to add Bearer token to the request' });
    expect(put.json.error.caused_by.caused_by.reason).toContain('/identity/token');
    expectNoSecretLeft(server, [WATSONX_API_KEY]);
  } finally {
    await server.stop();
  }
});

test('url: the host Elasticsearch expects, or the host and port of a URL given with its scheme', () => {
  const context = (url: string) => ({ endpoint: { serviceSettings: { url, api_version: '2024-05-02' }, secrets: {} } }) as unknown as CallContext;
  expect(watsonxUrl(context('us-south.ml.cloud.ibm.com'), 'embeddings')).toBe('https://us-south.ml.cloud.ibm.com/ml/v1/text/embeddings?version=2024-05-02');
  expect(watsonxUrl(context('https://eu-de.ml.cloud.ibm.com/'), 'chat_stream')).toBe('https://eu-de.ml.cloud.ibm.com/ml/v1/text/chat_stream?version=2024-05-02');
  expect(watsonxUrl(context('http://cpd.internal:8443'), 'rerank')).toBe('https://cpd.internal:8443/ml/v1/text/rerank?version=2024-05-02');
});

test('neither the API key nor any token IAM issued left the server', () => {
  expect(service.mock.everIssued.length).toBeGreaterThan(5);
  expect(service.server.bodies.length).toBeGreaterThan(10);
  expectNoSecretLeft(service.server, [WATSONX_API_KEY, ...service.mock.everIssued]);
});
