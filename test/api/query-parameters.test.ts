/**
 * Query parameters against the real server: each typed parameter's error in Elasticsearch's words (RestRequest
 * paramAsBoolean / paramAsInt / paramAsTime, PageParams, BaseRestHandler's unknown-parameter message), the values
 * Elasticsearch accepts, the task type in the path, and the unified envelope on the chat routes.
 */
import { expectSimpleEsError } from '../support/assertions';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const ILLEGAL = 'illegal_argument_exception';
const notBoolean = (value: string) => `Failed to parse value [${value}] as only [true] or [false] are allowed.`;
const notInt = (name: string, value: string) => `Failed to parse int parameter [${name}] with value [${value}]`;
const STATS = '/_ml/trained_models/_stats';

describe('refused values, worded per type', () => {
  test.each([
    ['DELETE', '/_inference/qp-missing?force=abc', notBoolean('abc')],
    ['DELETE', '/_inference/qp-missing?force=TRUE', notBoolean('TRUE')],
    ['DELETE', '/_inference/qp-missing?dry_run=1', notBoolean('1')],
    ['DELETE', '/_inference/qp-missing?force=true&force=no', notBoolean('no')],
    ['GET', `${STATS}?allow_no_match=maybe`, notBoolean('maybe')],
    ['GET', '/_inference?pretty=yes', notBoolean('yes')],
    ['GET', '/_inference?human=0', notBoolean('0')],
    ['GET', '/_inference?error_trace=on', notBoolean('on')],
    ['GET', `${STATS}?size=abc`, notInt('size', 'abc')],
    ['GET', `${STATS}?size=1.5`, notInt('size', '1.5')],
    ['GET', `${STATS}?size=`, notInt('size', '')],
    ['GET', `${STATS}?size=%205`, notInt('size', ' 5')],
    ['GET', `${STATS}?size=2147483648`, notInt('size', '2147483648')],
    ['GET', `${STATS}?from=x&size=y`, notInt('from', 'x')],
    ['GET', `${STATS}?size=-1`, 'Parameter [size] cannot be < 0'],
    ['GET', `${STATS}?from=-3`, 'Parameter [from] cannot be < 0'],
    ['POST', '/_inference/qp-missing?timeout=abc', 'failed to parse setting [timeout] with value [abc] as a time value: unit is missing or unrecognized'],
    ['POST', '/_inference/qp-missing?timeout=1.5s', 'failed to parse [1.5s], fractional time values are not supported'],
    ['POST', '/_inference/qp-missing?timeout=xs', 'failed to parse [xs]'],
    ['POST', '/_inference/qp-missing?timeout=-2s', 'failed to parse setting [timeout] with value [-2s] as a time value: negative durations are not supported'],
    ['POST', '/_inference/qp-missing?timeout=5M', 'failed to parse setting [timeout] with value [5M] as a time value: unit is missing or unrecognized'],
  ])('%s %s → 400 %s', async (method, pathAndQuery, reason) => {
    expectSimpleEsError(await server.call(method, pathAndQuery, method === 'POST' ? { input: 'x' } : undefined), 400, ILLEGAL, reason);
  });

  test.each([
    ['/_inference/qp-missing?bogus=1', 'request [/_inference/qp-missing] contains unrecognized parameter: [bogus]'],
    ['/_inference/qp-missing?zeta=1&alpha=2', 'request [/_inference/qp-missing] contains unrecognized parameters: [alpha], [zeta]'],
    ['/_inference/qp-missing?prety', 'request [/_inference/qp-missing] contains unrecognized parameter: [prety] -> did you mean [pretty]?'],
    ['/_inference/qp-missing?timeout=1s', 'request [/_inference/qp-missing] contains unrecognized parameter: [timeout]'],
    [`${STATS}?sizes=1&fro=2`, `request [${STATS}] contains unrecognized parameters: [fro] -> did you mean [from]?, [sizes] -> did you mean [size]?`],
  ])('GET %s → unrecognized parameter', async (pathAndQuery, reason) => {
    expectSimpleEsError(await server.call('GET', pathAndQuery), 400, ILLEGAL, reason);
  });

  test('a bad value is reported before an unknown parameter, as Elasticsearch reads them in that order', async () => {
    expectSimpleEsError(await server.call('DELETE', '/_inference/qp-missing?bogus=1&force=nope'), 400, ILLEGAL, notBoolean('nope'));
  });

  test('an unknown task type in the path comes before the query', async () => {
    expectSimpleEsError(await server.call('DELETE', '/_inference/Bogus/qp-missing?force=nope'), 400, 'status_exception', 'Unknown task_type [Bogus]');
  });
});

describe('accepted values', () => {
  test.each([
    'force=true', 'force=false', 'force=', 'force', 'force=%20', 'dry_run=%09', 'pretty=false', 'human', 'error_trace=true',
  ])('DELETE ?%s reaches the handler (404 for a missing endpoint)', async (query) => {
    const response = await server.call('DELETE', `/_inference/qp-missing?${query}`);
    expect(response.status).toBe(404);
    expect(response.json.error.type).toBe('resource_not_found_exception');
  });

  test.each(['size=0', 'size=%2B5', 'size=-0', 'from=007&size=20000', 'allow_no_match=', 'allow_no_match=%20'])('GET stats ?%s → 200', async (query) => {
    const response = await server.call('GET', `${STATS}?${query}`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ count: expect.any(Number), trained_model_stats: expect.any(Array) });
  });

  test.each(['TEXT_EMBEDDING', '%20text_embedding%0A', 'Text_Embeddıng', 'ſparſe_embedding', 'ANY'])('task type %s in the path is read as Elasticsearch reads it', async (taskType) => {
    const response = await server.call('GET', `/_inference/${taskType}/qp-missing`);
    expectSimpleEsError(response, 404, 'resource_not_found_exception', 'Inference endpoint not found [qp-missing]');
  });

  test.each([
    ['reran%E2%84%AA', 'reran\u212a'],
    ['TEXT_EMBEDD%C4%B0NG', 'TEXT_EMBEDD\u0130NG'],
    ['text%C2%A0embedding', 'text\u00a0embedding'],
  ])('task type %s is unknown (Java upper-casing, not lower-casing)', async (encoded, raw) => {
    expectSimpleEsError(await server.call('GET', `/_inference/${encoded}/qp-missing`), 400, 'status_exception', `Unknown task_type [${raw}]`);
  });
});

describe('chat routes answer query-parameter errors in the unified envelope', () => {
  const chat = { messages: [{ role: 'user', content: 'x' }] };
  test.each([
    ['/_inference/chat_completion/qp-missing/_stream?bogus=1', 'request [/_inference/chat_completion/qp-missing/_stream] contains unrecognized parameter: [bogus]'],
    ['/_inference/chat_completion/qp-missing/_stream?timeout=soon', 'failed to parse setting [timeout] with value [soon] as a time value: unit is missing or unrecognized'],
    ['/_inference/chat_completion/qp-missing?pretty=maybe', notBoolean('maybe')],
  ])('POST %s', async (pathAndQuery, message) => {
    const response = await server.call('POST', pathAndQuery, chat);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({ error: { code: 'bad_request', message, type: ILLEGAL } });
  });

  test('other routes keep the Elasticsearch envelope for the same error', async () => {
    const response = await server.call('POST', '/_inference/completion/qp-missing/_stream?bogus=1', { input: 'x' });
    expectSimpleEsError(response, 400, ILLEGAL, 'request [/_inference/completion/qp-missing/_stream] contains unrecognized parameter: [bogus]');
  });
});
