/** The service account's way to an access token (Elasticsearch's GoogleVertexAiRequestUtils.decorateWithBearerToken):
 * a JWT signed with the key, traded at its `token_uri` (the `google-oauth` origin), the token cached per endpoint
 * until near its expiry, dropped on a 401, an `_update` or a DELETE; any failure to get one is a 403. */
import { expectNoSecretLeft } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, withMockedService } from '../../support/service-setup';
import { SERVICE_ACCOUNT, startMockGoogleVertexAi } from './mock-googlevertexai';
import { checkAssertion, CLOUD_PLATFORM, makeServiceAccount, SERVICE_ACCOUNT_KEY_ID, TOKEN_URI } from './service-accounts';

const service = withMockedService('googlevertexai', startMockGoogleVertexAi, { origins: ['google-oauth'] });
const settings = (json: string = SERVICE_ACCOUNT.json) => ({ service_account_json: json, project_id: 'vertex-project-1', location: 'us-central1', model_id: 'text-embedding-005' });
const body = (json?: string) => ({ service: 'googlevertexai', service_settings: settings(json) });
const embed = (id: string, query = '') => service.server.call('POST', `/_inference/text_embedding/${id}${query}`, { input: ['a text'] });

test('the token request: a JWT bearer grant whose assertion is RS256, signed by the key, with its claims', async () => {
  const id = newId('gva-token');
  const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, body());
  expect(put.status).toBe(200);
  const [token] = service.mock.requestsTo('token');
  expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(token.headers.authorization).toBeUndefined();
  const form = bodyOf(token);
  expect(Object.keys(form)).toEqual(['grant_type', 'assertion']);
  expect(form.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
  const assertion = String(form.assertion);
  expect(checkAssertion(assertion, SERVICE_ACCOUNT, TOKEN_URI)).toBeUndefined();
  const [header, claims] = assertion.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  expect(header).toEqual({ alg: 'RS256' });
  expect(claims).toEqual({ iss: SERVICE_ACCOUNT.clientEmail, scope: CLOUD_PLATFORM, aud: TOKEN_URI, iat: expect.any(Number), exp: claims.iat + 3600 });
  // The same assertion does not pass for another key.
  expect(checkAssertion(assertion, makeServiceAccount('other'), TOKEN_URI)).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
  const [predict] = service.mock.requestsTo('predict');
  expect(service.mock.issued.has(String(predict.headers.authorization).replace(/^Bearer /, ''))).toBe(true);
});

test('one token serves the calls of an endpoint until it nears expiry', async () => {
  const id = newId('gva-cache');
  await createEndpoint(service, 'text_embedding', id, body());
  await Promise.all([embed(id), embed(id), embed(id)]);
  expect(service.mock.requestsTo('token')).toHaveLength(0);
  // Concurrent calls may share a request (kit/coalescer.ts): every input is sent, under the one token.
  const predicts = service.mock.requestsTo('predict');
  expect(predicts.flatMap((predict) => bodyOf(predict).instances as unknown[])).toHaveLength(3);
  expect(new Set(predicts.map((predict) => predict.headers.authorization)).size).toBe(1);
});

test('a token that expires within the safety margin is asked for anew at each call', async () => {
  const id = newId('gva-short');
  service.mock.expiresIn = 10;
  await service.server.call('PUT', `/_inference/text_embedding/${id}`, body());
  await embed(id);
  await embed(id);
  expect(service.mock.requestsTo('token')).toHaveLength(3);
});

test("a 401 from Vertex AI drops the token: that call fails as Google's handler says, the next one gets a new token", async () => {
  const id = newId('gva-401');
  await createEndpoint(service, 'text_embedding', id, body());
  service.mock.revokeTokens();
  const refused = await embed(id);
  expect(refused.status).toBe(401);
  expect(refused.json.error.reason).toBe(
    `Received an unsuccessful status code for request from inference entity id [${id}] status [401]. Error message: [Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.]`,
  );
  expect((await embed(id)).status).toBe(200);
  expect(service.mock.requestsTo('token')).toHaveLength(1);
});

test('_update (a new key) and DELETE drop the cached token', async () => {
  const id = newId('gva-update');
  await createEndpoint(service, 'text_embedding', id, body());
  const update = await service.server.call('PUT', `/_inference/text_embedding/${id}/_update`, { service_settings: { service_account_json: SERVICE_ACCOUNT.json } });
  expect(update.status).toBe(200);
  expect(update.json.service_settings).not.toHaveProperty('service_account_json');
  await embed(id);
  expect(service.mock.requestsTo('token')).toHaveLength(1);
  expect((await service.server.call('DELETE', `/_inference/${id}`)).status).toBe(200);
  service.mock.reset();
  await createEndpoint(service, 'text_embedding', id, body());
  // The re-created endpoint got its own token (the PUT's validation call asked for it).
  expect(service.mock.issued.size).toBeGreaterThan(0);
});

describe('failures to get a token are 403s, as Elasticsearch words them', () => {
  let id: string;
  beforeEach(async () => {
    id = newId('gva-bad');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, { ...body(), task_settings: {} });
    expect(put.status).toBe(200);
  });

  async function embedWith(json: string) {
    await service.server.call('PUT', `/_inference/text_embedding/${id}/_update`, { service_settings: { service_account_json: json } });
    service.mock.reset();
    return embed(id);
  }

  test.each([
    ['not JSON', 'service-account-json', 'Error reading credentials from stream, the service account JSON is not valid JSON.'],
    ['no type', JSON.stringify({ client_email: 'x@y' }), "Error reading credentials from stream, 'type' field not specified."],
    ['another type', JSON.stringify({ type: 'authorized_user' }), "Error reading credentials from stream, 'type' value 'authorized_user' not recognized. Expecting 'service_account'."],
    [
      'a missing field',
      JSON.stringify({ type: 'service_account', client_email: 'x@y', private_key_id: 'k' }),
      "Error reading service account credential from stream, expecting  'client_id', 'client_email', 'private_key' and 'private_key_id'.",
    ],
    [
      'an unreadable private key',
      JSON.stringify({ type: 'service_account', client_id: '1', client_email: 'x@y', private_key_id: 'k', private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }),
      'Error reading service account credential from stream, the private key could not be read.',
    ],
  ])('%s: no token request', async (_what, json, reason) => {
    const response = await embedWith(json);
    expect(response.status).toBe(403);
    expect(response.json.error).toMatchObject({ type: 'status_exception', reason });
    expect(service.mock.requests).toHaveLength(0);
  });

  test("a key Google does not know: the token endpoint's invalid_grant, and no Vertex AI call", async () => {
    const response = await embedWith(makeServiceAccount('stranger').json);
    expect(response.status).toBe(403);
    expect(response.json.error.reason).toBe(
      `Error getting access token for service account: Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [invalid_grant: Invalid JWT Signature.]`,
    );
    expect(response.json.error.caused_by.reason).toContain('status [400]');
    expect(service.mock.requestsTo('predict')).toHaveLength(0);
  });

  test('a token endpoint that never answers: 408 at the timeout, not a hang', async () => {
    await service.server.call('PUT', `/_inference/text_embedding/${id}/_update`, { service_settings: { service_account_json: makeServiceAccount('slow').json } });
    service.mock.reset();
    service.mock.enqueueFault('token', { kind: 'hang' });
    const response = await embed(id, '?timeout=300ms');
    expect({ status: response.status, reason: response.json.error.reason }).toEqual({ status: 408, reason: 'Request timed out after [300ms]' });
    await service.mock.waitForAbortedRequests(1);
  });

  test('a token endpoint that fails with 500 is asked again, then the 403', async () => {
    await service.server.call('PUT', `/_inference/text_embedding/${id}/_update`, { service_settings: { service_account_json: makeServiceAccount('busy').json } });
    service.mock.reset();
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('token', { kind: 'status', status: 500 });
    const response = await embed(id);
    expect(response.status).toBe(403);
    expect(response.json.error.reason).toMatch(/^Error getting access token for service account: Received a server error status code .* status \[500\]/);
    expect(service.mock.requestsTo('token')).toHaveLength(3);
  });
});

test('the PUT of an endpoint whose key does not work fails its validation call with the 403 as cause', async () => {
  const put = await service.server.call('PUT', `/_inference/text_embedding/${newId('gva-put-bad')}`, body('service-account-json'));
  expect(put.status).toBe(400);
  expect(put.json.error.reason).toBe('Could not complete inference endpoint creation as validation call to service threw an exception.');
  expect(put.json.error.caused_by).toMatchObject({ type: 'status_exception', reason: 'Error reading credentials from stream, the service account JSON is not valid JSON.' });
});

test('no part of the private key, nor its id, nor an access token left the server', () => {
  expectNoSecretLeft(service.server, [SERVICE_ACCOUNT.privateKeyPem, SERVICE_ACCOUNT_KEY_ID, ...service.mock.issued]);
});
