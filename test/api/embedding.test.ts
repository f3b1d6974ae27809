/** POST /_inference/embedding/{id} (reference §5, 9.4+): the input forms and Elasticsearch's checks of them, on an
 * openai endpoint (a text-only service) backed by the mock. */
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi } from '../providers/openai/mock-openai';
import { expectSimpleEsError } from '../support/assertions';
import { createEndpoint, withMockedService } from '../support/service-setup';

const service = withMockedService('openai', () => startMockOpenAi({ defaultDimensions: 4 }));
const embed = (input: unknown, id = 'multimodal') => service.server.call('POST', `/_inference/embedding/${id}`, { input });

beforeAll(async () => {
  await createEndpoint(service, 'embedding', 'multimodal', { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small' } });
  await createEndpoint(service, 'text_embedding', 'plain', { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small' } });
});

test('a string, a list of strings and content objects (one item, or a one-item list) each make one embedding', async () => {
  const result = await embed(['a', { content: { type: 'text', value: 'b' } }, { content: [{ type: 'text', format: 'text', value: 'c' }] }]);
  expect(result.json).toEqual({ embeddings: ['a', 'b', 'c'].map((text) => ({ embedding: embeddingFor(text, 4) })) });
  expect((await embed('single')).json.embeddings).toHaveLength(1);
});

test.each([
  [[{ content: { type: 'image', format: 'text', value: 'x' } }], 'Data type [image] does not support data format [text], supported formats are [base64]'],
  [[{ content: { type: 'image', value: 'aGVsbG8=' } }], 'base64 inputs must be specified as data URIs with the format [data:{MIME-type};base64,...]'],
])('a parse error for %j', async (input, reason) => {
  expectSimpleEsError(await embed(input), 400, 'x_content_parse_exception', reason);
});

test("an unknown type is named as given, `$` patterns and all", async () => {
  const response = await embed([{ content: { type: "$'$&", value: 'x' } }]);
  expect(response.status).toBe(400);
  expect(response.json.error.reason).toMatch(/ Unrecognized type \[\$'\$&\], must be one of \[text, image, audio, video, pdf\]$/);
});

test('a text-only, one-item service refuses other media and multi-item contents, as Elasticsearch words it', async () => {
  expectSimpleEsError(
    await embed([{ content: { type: 'image', value: 'data:image/png;base64,iVBORw0KGgo=' } }]),
    400,
    'status_exception',
    'The openai service does not support embedding with non-text inputs',
  );
  expectSimpleEsError(
    await embed(['a', { content: [{ type: 'text', value: 'b' }, { type: 'text', value: 'c' }] }]),
    400,
    'status_exception',
    'Field [content] must contain a single item for [openai] service. [content] object with multiple items found at $.input.content[1]',
  );
  expect(service.mock.requests).toHaveLength(0);
});

test('an endpoint of another task type is refused with the generic task-type message', async () => {
  expectSimpleEsError(
    await embed(['a'], 'plain'),
    400,
    'status_exception',
    'Incompatible task_type, the requested type [embedding] does not match the model type [text_embedding]',
  );
});
