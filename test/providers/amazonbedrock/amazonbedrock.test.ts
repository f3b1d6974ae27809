/** What is Bedrock's own (reference §8.9), as Elasticsearch's AmazonBedrock classes send and read it: the signed
 * InvokeModel and Converse requests byte for byte, each provider's body, answers, settings and their refusals. */
import { expectSimpleEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest } from '../../support/service-setup';
import { BEDROCK_KEY } from './mock-amazonbedrock';
import { CLAUDE, COHERE_EMBED, TITAN_EMBED, TITAN_TEXT, endpoint, post, put, service } from './bedrock-setup';

describe('text_embedding', () => {
  test('PUT: the signed validation call on InvokeModel with Titan body; what it stores', async () => {
    const id = newId('br-titan');
    const created = await put('text_embedding', id, endpoint({ provider: 'amazontitan', model: TITAN_EMBED }));
    expect(created.status).toBe(200);
    expect(created.json.service_settings).toEqual({
      region: 'us-east-1',
      model: TITAN_EMBED,
      provider: 'AMAZONTITAN',
      rate_limit: { requests_per_minute: 240 },
      similarity: 'cosine',
      dimensions: 1024,
    });
    const validation = onlyRequest(service.mock, 'invoke');
    expect(validation.path).toBe('/model/amazon.titan-embed-text-v2%3A0/invoke');
    expect(validation.rawBody).toBe('{"inputText":"how big"}');
    expect(validation.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAZ7QX3EXAMPLE4MBR\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(validation.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  test('Titan embeds one text a call, in input order; dimensions the user set are sent and must come back', async () => {
    const id = newId('br-titan-dims');
    await createEndpoint(service, 'text_embedding', id, endpoint({ provider: 'amazontitan', model: TITAN_EMBED, dimensions: 512 }));
    const result = await post('text_embedding', id, { input: ['one', 'two', 'three'] });
    expect(result.status).toBe(200);
    expect(result.json.text_embedding.map((entry: { embedding: number[] }) => entry.embedding.length)).toEqual([512, 512, 512]);
    const bodies = service.mock.requestsTo('invoke').map((request) => bodyOf(request));
    expect(bodies.map((body) => body.inputText).sort()).toEqual(['one', 'three', 'two']);
    expect(bodies.every((body) => body.dimensions === 512)).toBe(true);
    const single = await post('text_embedding', id, { input: 'two' });
    expect(single.json.text_embedding[0]).toEqual(result.json.text_embedding[1]);
  });

  test('Cohere: batches of 96 with its input_type names and the upper-case truncate; dot_product by default', async () => {
    const id = newId('br-cohere');
    const created = await createEndpoint(service, 'text_embedding', id, endpoint({ provider: 'cohere', model: COHERE_EMBED }, { task_settings: { truncate: 'END' } }));
    expect(created.json.service_settings).toMatchObject({ provider: 'COHERE', similarity: 'dot_product', dimensions: 1024 });
    expect(created.json.task_settings).toEqual({ truncate: 'end' });
    const input = Array.from({ length: 100 }, (_, i) => `text ${i}`);
    const result = await post('text_embedding', id, { input, input_type: 'search' });
    expect(result.json.text_embedding).toHaveLength(100);
    const batches = service.mock.requestsTo('invoke').map((request) => bodyOf(request));
    expect(batches.map((body) => (body.texts as string[]).length).sort((a, b) => b - a)).toEqual([96, 4]);
    expect(service.mock.requestsTo('invoke')[0].rawBody).toMatch(/^\{"texts":\["text 0",.*\],"input_type":"search_query","truncate":"END"\}$/);
    service.mock.reset();
    await post('text_embedding', id, { input: 'x', task_settings: { truncate: 'none' } });
    expect(onlyRequest(service.mock, 'invoke').rawBody).toBe('{"texts":["x"],"input_type":"search_document","truncate":"NONE"}');
  });

  test('max_input_tokens cuts each input to three characters a token, as Elasticsearch\'s Truncator', async () => {
    const id = newId('br-cut');
    await createEndpoint(service, 'text_embedding', id, endpoint({ provider: 'cohere', model: COHERE_EMBED, max_input_tokens: 2 }));
    await post('text_embedding', id, { input: ['abcdefghij', 'abc'] });
    expect(bodyOf(onlyRequest(service.mock, 'invoke')).texts).toEqual(['abcdef', 'abc']);
  });

  test.each([
    ['anthropic', 'The [text_embedding] task type for provider [anthropic] is not available'],
    ['meta', 'The [text_embedding] task type for provider [meta] is not available'],
  ])('provider %s cannot embed', async (provider, reason) => {
    const response = await put('text_embedding', newId('br-refused'), endpoint({ provider, model: 'meta.llama3-8b-instruct-v1:0' }));
    expectSimpleEsError(response, 400, 'status_exception', reason);
    expect(service.mock.requests).toHaveLength(0);
  });

  test('truncate is for Cohere only; an input_type outside the allowlist is refused', async () => {
    const refused = await put('text_embedding', newId('br-trunc'), endpoint({ provider: 'amazontitan', model: TITAN_EMBED }, { task_settings: { truncate: 'end' } }));
    expectSimpleEsError(refused, 400, 'status_exception', 'The [text_embedding] task type for provider [amazontitan] does not allow [truncate] field');
    const id = newId('br-input-type');
    await createEndpoint(service, 'text_embedding', id, endpoint({ provider: 'amazontitan', model: TITAN_EMBED }));
    const response = await post('text_embedding', id, { input: 'a', input_type: 'nonsense' });
    expect(response.status).toBe(400);
  });
});

describe('settings', () => {
  test.each([
    [{ provider: 'amazontitan', model: TITAN_TEXT, access_key: undefined }, '[secret_settings] does not contain the required setting [access_key]'],
    [{ provider: 'amazontitan', model: TITAN_TEXT, secret_key: undefined }, '[secret_settings] does not contain the required setting [secret_key]'],
    [{ model: TITAN_TEXT }, '[service_settings] does not contain the required setting [provider]'],
    [{ provider: 'amazontitan' }, '[service_settings] does not contain the required setting [model]'],
    [{ provider: 'openai', model: TITAN_TEXT }, '[service_settings] Invalid value [openai] received. [provider] must be one of [ai21labs, amazontitan, anthropic, cohere, meta, mistral]'],
    [{ provider: 'amazontitan', model: TITAN_TEXT, region: 'us-east-1.evil.example/x' }, '[region] must be the name of an AWS region'],
  ])('%j is refused', async (settings, reason) => {
    const response = await put('completion', newId('br-settings'), endpoint(settings));
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toContain(reason);
    expect(service.mock.requests).toHaveLength(0);
  });

  test.each([
    [{ temperature: 1.5 }, '[task_settings] Invalid value [1.5]. [temperature] must be a less than or equal to [1.0]'],
    [{ top_p: -0.1 }, '[task_settings] Invalid value [-0.1]. [top_p] must be a greater than or equal to [0.0]'],
    [{ top_k: 2 }, '[task_settings] Invalid value [2]. [top_k] must be a less than or equal to [1.0]'],
    [{ max_new_tokens: 0 }, '[task_settings] Invalid value [0]. [max_new_tokens] must be a positive integer'],
  ])('task settings %j are refused', async (taskSettings, reason) => {
    const response = await put('completion', newId('br-task'), endpoint({ provider: 'anthropic', model: CLAUDE }, { task_settings: taskSettings }));
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toContain(reason);
  });

  test('top_k is refused for a provider without it; the provider is read in any case', async () => {
    const response = await put('completion', newId('br-topk'), endpoint({ provider: 'amazontitan', model: TITAN_TEXT }, { task_settings: { top_k: 0.5 } }));
    expectSimpleEsError(response, 400, 'status_exception', 'The [top_k] task parameter is not available for provider [amazontitan]');
    const upper = await put('completion', newId('br-upper'), endpoint({ provider: 'ANTHROPIC', model: CLAUDE }));
    expect(upper.json.service_settings.provider).toBe('ANTHROPIC');
  });

  test('keys signed for the wrong region or with another secret are refused by Bedrock, named as its refusal', async () => {
    const wrongRegion = await put('completion', newId('br-region'), endpoint({ provider: 'amazontitan', model: TITAN_TEXT, region: 'eu-west-1' }));
    expect(wrongRegion.status).toBe(400);
    expect(wrongRegion.json.error.caused_by.reason).toContain('Received a permission denied error status code');
    expect(wrongRegion.json.error.caused_by.reason).toContain('The request signature we calculated does not match');
    const wrongSecret = await put('completion', newId('br-secret'), endpoint({ provider: 'amazontitan', model: TITAN_TEXT, secret_key: 'x'.repeat(40) }));
    expect(wrongSecret.json.error.caused_by.reason).toContain('status [403]');
    expect(JSON.stringify([wrongRegion.json, wrongSecret.json])).not.toContain(BEDROCK_KEY.secretAccessKey);
  });
});

describe('_update', () => {
  test('new keys and rate limit: the next call is signed with them; the provider still shows as stored', async () => {
    const id = newId('br-update');
    await createEndpoint(service, 'completion', id, endpoint({ provider: 'amazontitan', model: TITAN_TEXT }));
    const stale = await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { secret_key: 'y'.repeat(40) } });
    expect(stale.status).toBe(200);
    expect((await post('completion', id, { input: 'a' })).status).toBe(403);
    const updated = await service.server.call('PUT', `/_inference/${id}/_update`, {
      service_settings: { secret_key: BEDROCK_KEY.secretAccessKey, rate_limit: { requests_per_minute: 10 } },
    });
    expect(updated.json.service_settings).toEqual({ region: 'us-east-1', model: TITAN_TEXT, provider: 'AMAZONTITAN', rate_limit: { requests_per_minute: 10 } });
    expect((await post('completion', id, { input: 'b' })).json).toEqual({ completion: [{ result: 'Echo: b' }] });
    expect(JSON.stringify(updated.json)).not.toContain(BEDROCK_KEY.secretAccessKey);
  });
});

test('_services: Amazon Bedrock with its keys sensitive, its required settings and its rate limit of 240', async () => {
  const listed = await service.server.call('GET', '/_inference/_services/text_embedding');
  const bedrock = listed.json.find((entry: { service: string }) => entry.service === 'amazonbedrock');
  expect(bedrock.name).toBe('Amazon Bedrock');
  expect(bedrock.task_types).toEqual(['text_embedding', 'completion', 'chat_completion']);
  for (const key of ['access_key', 'secret_key']) expect(bedrock.configurations[key]).toMatchObject({ required: true, sensitive: true, updatable: true });
  for (const key of ['region', 'model', 'provider']) expect(bedrock.configurations[key]).toMatchObject({ required: true, sensitive: false, updatable: false });
  expect(bedrock.configurations['rate_limit.requests_per_minute']).toMatchObject({ default_value: 240, required: false });
  expect(bedrock.configurations.dimensions).toMatchObject({ required: false, supported_task_types: ['text_embedding'] });
});
