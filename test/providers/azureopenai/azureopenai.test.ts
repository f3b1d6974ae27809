/** What is Azure OpenAI's own (reference §8.2), as Elasticsearch's Azure OpenAI classes send and read it. */
import { shortestFloat32 } from '../../../server/inference/float32-format';
import { expectEsError, expectEventStream, expectNoSecretLeft, expectSimpleEsError, onlyErrorFrame, postRaw } from '../../support/assertions';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { AZURE_API_KEY, AZURE_CLIENT, AZURE_ENTRA_TOKEN, AZURE_TENANT, startMockAzureOpenAi } from './mock-azureopenai';

const service = withMockedService('azureopenai', startMockAzureOpenAi, { origins: ['azure-entra'] });
const deployment = { resource_name: 'contoso', deployment_id: 'embed-3-small', api_version: '2024-10-21' };
const endpoint = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ service: 'azureopenai', service_settings: { ...deployment, ...settings }, ...extra });
const put = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('PUT', `/_inference/${taskType}/${id}`, body);

describe('text_embedding', () => {
  test('the deployment URL, the api-key header, base64 vectors decoded as Java floats', async () => {
    const id = newId('az-emb');
    const created = await put('text_embedding', id, endpoint({ api_key: AZURE_API_KEY }));
    expect(created.json.service_settings).toEqual({ ...deployment, rate_limit: { requests_per_minute: 1440 }, similarity: 'dot_product', dimensions: 1536 });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.path).toBe('/openai/deployments/embed-3-small/embeddings');
    expect(validation.query).toEqual({ 'api-version': '2024-10-21' });
    expect(validation.headers['api-key']).toBe(AZURE_API_KEY);
    expect(validation.headers.authorization).toBeUndefined();
    expect(validation.rawBody).toBe('{"input":["how big"],"encoding_format":"base64"}');

    service.mock.reset();
    const result = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'hello' });
    expect(result.json.text_embedding[0].embedding).toEqual(embeddingFor('hello', 1536).map(shortestFloat32));
  });

  test('an Entra ID token goes as Bearer; a user-set dimensions and a user are sent', async () => {
    const id = newId('az-entra');
    await createEndpoint(service, 'text_embedding', id, endpoint({ entra_id: AZURE_ENTRA_TOKEN, dimensions: 256 }, { task_settings: { user: 'u-7' } }));
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'x' });
    const sent = onlyRequest(service.mock, 'embeddings');
    expect(sent.headers.authorization).toBe(`Bearer ${AZURE_ENTRA_TOKEN}`);
    expect(sent.rawBody).toBe('{"input":["x"],"user":"u-7","dimensions":256,"encoding_format":"base64"}');
  });

  test("a 429's message says what remains, as Azure's handler words it", async () => {
    const id = newId('az-429');
    await createEndpoint(service, 'text_embedding', id, endpoint({ api_key: AZURE_API_KEY }));
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('embeddings', { kind: 'status', status: 429 });
    const result = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'x' });
    expect(result.status).toBe(429);
    expect(result.json.error.reason).toMatch(
      new RegExp(`^Received a rate limit status code\\. Remaining tokens \\[2400\\]\\. Remaining requests \\[0\\]\\. for request from inference entity id \\[${id}\\] status \\[429\\]\\. Error message: \\[Requests to`),
    );
    // Azure's 429 says `Retry-After: 1`, waited out in full: the second wait would end at the 2 s retry window of the
    // test server, so two attempts.
    expect(service.mock.requestsTo('embeddings')).toHaveLength(2);
  });
});

describe('OAuth2 client credentials (Microsoft Entra ID)', () => {
  const oauth = { client_id: AZURE_CLIENT.id, client_secret: AZURE_CLIENT.secret, scopes: ['https://cognitiveservices.azure.com/.default'], tenant_id: AZURE_TENANT };

  test("a token from the tenant's endpoint (the azure-entra origin), cached, sent as Bearer; the secret never shown", async () => {
    const id = newId('az-oauth');
    const created = await put('text_embedding', id, endpoint(oauth));
    expect(created.status).toBe(200);
    expect(created.json.service_settings).not.toHaveProperty('client_secret');
    expect(created.json.service_settings).toMatchObject({ client_id: AZURE_CLIENT.id, tenant_id: AZURE_TENANT });
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'again' });
    const [token] = service.mock.requestsTo('token');
    expect(service.mock.requestsTo('token')).toHaveLength(1);
    expect(bodyOf(token)).toEqual({ grant_type: 'client_credentials', client_id: AZURE_CLIENT.id, client_secret: AZURE_CLIENT.secret, scope: 'https://cognitiveservices.azure.com/.default' });
    const calls = service.mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    expect(calls.every((call) => /^Bearer \S+$/.test(String(call.headers.authorization)) && call.headers['api-key'] === undefined)).toBe(true);
    expectNoSecretLeft(service.server, [AZURE_CLIENT.secret]);
  });

  test('a refused client secret: the PUT fails with the token error as its cause', async () => {
    const created = await put('text_embedding', newId('az-oauth-bad'), endpoint({ ...oauth, client_secret: 'Qq8~wrongSecret.abcdefghijklmnop' }));
    expect(created.status).toBe(400);
    expect(created.json.error.caused_by.reason).toMatch(/^Failed attempting to retrieve access token for Azure OpenAI request for inference id: \[az-oauth-bad-\d+\]$/);
    expect(created.json.error.caused_by.caused_by.reason).toContain('status [401]. Error message: [invalid_client: AADSTS7000215');
  });

  test.each([
    [{}, '[secret_settings] must have exactly one of [api_key], [entra_id], or [client_secret] field set'],
    [{ api_key: AZURE_API_KEY, entra_id: AZURE_ENTRA_TOKEN }, '[secret_settings] must have exactly one of [api_key], [entra_id], or [client_secret] field set, received: [api_key, entra_id]'],
    [{ api_key: AZURE_API_KEY, client_id: 'c' }, '[service_settings] OAuth2 fields [client_id, scopes] must be provided together; missing: [scopes]'],
    [{ client_secret: 's3cr3t-value', client_id: 'c', scopes: ['s'] }, '[service_settings] all Azure OpenAI OAuth2 fields must be provided together; missing: [tenant_id]'],
    [{ client_secret: 's3cr3t-value' }, 'OAuth2 requires the fields [client_id, scopes, tenant_id], to be set.'],
    [{ api_key: AZURE_API_KEY, client_id: 'c', scopes: ['s'], tenant_id: 't' }, 'To use OAuth2 the [client_secret] field must be set, either remove fields [client_id, scopes, tenant_id], or provide the [client_secret] field.'],
  ])('secrets %j: %s', async (secrets, message) => {
    const response = await put('text_embedding', newId('az-secrets'), endpoint(secrets));
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toContain(message);
    expect(response.json.error.type).toBe('validation_exception');
  });
});

describe('completion and chat_completion', () => {
  test("a completion is Azure's own body: role first, no model, stream only when streaming, no usage chunk", async () => {
    const id = newId('az-cmp');
    await createEndpoint(service, 'completion', id, endpoint({ api_key: AZURE_API_KEY, deployment_id: 'gpt-4o' }));
    expect((await service.server.call('POST', `/_inference/completion/${id}`, { input: 'Hello' })).json).toEqual({ completion: [{ result: 'Echo: Hello' }] });
    expectEventStream(await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'Hi' }), 200);
    const [plain, streamed] = service.mock.requestsTo('chat');
    expect(plain.path).toBe('/openai/deployments/gpt-4o/chat/completions');
    expect(plain.rawBody).toBe('{"messages":[{"role":"user","content":"Hello"}],"n":1}');
    expect(streamed.rawBody).toBe('{"messages":[{"role":"user","content":"Hi"}],"n":1,"stream":true}');
    expectSimpleEsError(await service.server.call('POST', `/_inference/completion/${id}`, { input: ['a', 'b'] }), 400, 'status_exception', 'Azure OpenAI completion only accepts 1 input');
  });

  test('chat names no model, asks for usage, puts a user last; errors quote the body as azure_openai_error', async () => {
    const id = newId('az-chat');
    await createEndpoint(service, 'chat_completion', id, endpoint({ api_key: AZURE_API_KEY, deployment_id: 'gpt-4o' }, { task_settings: { user: 'me' } }));
    expectEventStream(await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'Hello, world!' }] }), 200);
    expect(onlyRequest(service.mock, 'chat').rawBody).toBe('{"messages":[{"content":"Hello, world!","role":"user"}],"n":1,"stream":true,"stream_options":{"include_usage":true},"user":"me"}');
    service.mock.enqueueFault('chat', { kind: 'status', status: 404 });
    const failed = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
    expect(onlyErrorFrame(failed).error).toMatchObject({ code: 'not_found', type: 'azure_openai_error' });
    expect(onlyErrorFrame(failed).error.message).toContain('Error message: [{"error":{"code":"DeploymentNotFound"');
  });

  test('the resource name is a DNS label: nothing in it can move the request (and its key) to another host', async () => {
    const response = await put('completion', newId('az-host'), endpoint({ api_key: AZURE_API_KEY, resource_name: 'evil.example/x?' }));
    expectSimpleEsError(
      response,
      400,
      'validation_exception',
      'Validation Failed: 1: [service_settings] Invalid value [evil.example/x?] received. [resource_name] must be the name of an Azure resource (letters, digits and hyphens);',
    );
    expect(service.mock.requests).toHaveLength(0);
  });

  test('an empty user is refused', async () => {
    const response = await put('completion', newId('az-user'), endpoint({ api_key: AZURE_API_KEY }, { task_settings: { user: '' } }));
    expectEsError(response, 400, 'validation_exception', 'Validation Failed: 1: [task_settings] Invalid value empty string. [user] must be a non-empty string;');
  });
});
