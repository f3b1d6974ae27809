/** The local engine through HTTP: each kind of model the engine recognises gives sensible results. */
import { buildTestModels, localModelsConfig } from '../../support/local-models';
import { startTestServer, type TestServer } from '../../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(localModelsConfig(buildTestModels()));
});
afterAll(() => server.stop());

const deployment = (model_id: string) => ({ model_id, num_threads: 1, num_allocations: 1 });

async function put(taskType: string, id: string, modelId: string) {
  const response = await server.call('PUT', `/_inference/${taskType}/${id}`, { service: 'elasticsearch', service_settings: deployment(modelId) });
  expect(response.status).toBe(200);
  return response.json;
}

const cosine = (a: number[], b: number[]) => {
  const dot = a.reduce((sum, value, index) => sum + value * b[index], 0);
  return dot / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
};

describe('text_embedding (GloVe behind .multilingual-e5-small)', () => {
  test('PUT records dimensions and similarity; similar sentences score closer than unrelated ones', async () => {
    const created = await put('text_embedding', 'glove', '.multilingual-e5-small');
    expect(created.service_settings).toEqual({ num_allocations: 1, num_threads: 1, model_id: '.multilingual-e5-small', dimensions: 25, similarity: 'cosine' });
    const response = await server.call('POST', '/_inference/text_embedding/glove', {
      input: ['A man is eating food.', 'A man is eating a piece of bread.', 'The stock market fell today.'],
    });
    expect(response.status).toBe(200);
    const [food, bread, market] = response.json.text_embedding.map((entry: { embedding: number[] }) => entry.embedding);
    expect(food).toHaveLength(25);
    expect(cosine(food, bread)).toBeGreaterThan(0.95);
    expect(cosine(food, bread) - cosine(food, market)).toBeGreaterThan(0.1);
    expect(Math.hypot(...food)).toBeCloseTo(1, 5);
  });

  test('every input gets its own vector, in input order, whatever the batch', async () => {
    const texts = ['The stock market fell today.', 'A man is eating food.', 'Bananas are yellow.'];
    const alone = await Promise.all(texts.map((text) => server.call('POST', '/_inference/glove', { input: text })));
    const together = await server.call('POST', '/_inference/glove', { input: texts });
    texts.forEach((_, index) => expect(together.json.text_embedding[index]).toEqual(alone[index].json.text_embedding[0]));
  });
});

describe('text_embedding with token embeddings pooled by the engine', () => {
  test('mean pooling ignores padding: a short input embeds the same alone and beside a long one', async () => {
    await put('text_embedding', 'pooled', 'test-token-embedder');
    const alone = await server.call('POST', '/_inference/pooled', { input: ['hello world'] });
    const padded = await server.call('POST', '/_inference/pooled', { input: ['hello world', 'a much longer sentence that forces padding onto the short one'] });
    expect(padded.json.text_embedding[0].embedding).toEqual(alone.json.text_embedding[0].embedding);
    expect(padded.json.text_embedding[1].embedding).not.toEqual(alone.json.text_embedding[0].embedding);
  });

  test('input_type picks the manifest prefixes (search → "query: ", ingest → "passage: ")', async () => {
    await put('text_embedding', 'prefixed', 'test-prefixed-embedder');
    await put('text_embedding', 'unprefixed', 'test-token-embedder');
    const embed = async (id: string, input: string, input_type?: string) =>
      (await server.call('POST', `/_inference/text_embedding/${id}`, { input, ...(input_type ? { input_type } : {}) })).json.text_embedding[0].embedding;
    expect(await embed('prefixed', 'paris', 'search')).toEqual(await embed('unprefixed', 'query: paris'));
    expect(await embed('prefixed', 'paris', 'INGEST')).toEqual(await embed('unprefixed', 'passage: paris'));
    expect(await embed('prefixed', 'paris')).toEqual(await embed('unprefixed', 'paris'));
    expect(await embed('prefixed', 'paris', 'search')).not.toEqual(await embed('prefixed', 'paris', 'ingest'));
  });
});

describe('sparse_embedding (the IDF model behind .elser_model_2)', () => {
  test('weights contain the query terms, as WordPiece tokens, heaviest first', async () => {
    await put('sparse_embedding', 'idf', '.elser_model_2');
    const response = await server.call('POST', '/_inference/sparse_embedding/idf', { input: ['What is the capital of France?'] });
    expect(response.status).toBe(200);
    const [result] = response.json.sparse_embedding;
    expect(result.is_truncated).toBe(false);
    expect(Object.keys(result.embedding).slice(0, 2)).toEqual(['france', 'capital']);
    expect(result.embedding.france).toBeCloseTo(5.66, 2);
    expect(result.embedding.paris).toBeUndefined();
    const weights = Object.values(result.embedding) as number[];
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });

  test('is_truncated is true when the input was cut to the model window (a manifest sets 8 tokens)', async () => {
    await put('sparse_embedding', 'idf-window', 'test-idf-window-8');
    const response = await server.call('POST', '/_inference/idf-window', { input: ['short text', 'one two three four five six seven eight nine ten eleven twelve paris'] });
    const [short, long] = response.json.sparse_embedding;
    expect(short.is_truncated).toBe(false);
    expect(long.is_truncated).toBe(true);
    expect(long.embedding.paris).toBeUndefined();
    expect(long.embedding.one).toBeGreaterThan(0);
  });

  test('the deprecated elser service runs the same model and warns', async () => {
    const created = await server.call('PUT', '/_inference/sparse_embedding/via-elser', { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } });
    expect(created.status).toBe(200);
    expect(created.json.service).toBe('elasticsearch');
    expect(created.headers.get('warning')).toContain('The [elser] service is deprecated');
    const response = await server.call('POST', '/_inference/via-elser', { input: 'capital of France' });
    expect(Object.keys(response.json.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['capital', 'france']));
  });
});

describe('rerank (a cross-encoder built by the test behind .rerank-v1)', () => {
  const passages = ['The stock market fell today.', 'Paris is the capital and largest city of France.', 'Bananas are yellow.'];

  test('the relevant passage ranks first; scores descend; index points into input', async () => {
    await put('rerank', 'reranker', '.rerank-v1');
    const response = await server.call('POST', '/_inference/rerank/reranker', { query: 'What is the capital of France?', input: passages });
    expect(response.status).toBe(200);
    const ranked = response.json.rerank;
    expect(ranked.map((entry: { index: number }) => entry.index)).toEqual([1, 0, 2]);
    expect(ranked[0]).toEqual({ index: 1, relevance_score: expect.any(Number), text: passages[1] });
    expect(ranked[0].relevance_score).toBeGreaterThan(0.99);
    expect(ranked[2].relevance_score).toBeLessThan(0.1);
  });

  test('top_n and return_documents (root level and task settings)', async () => {
    const top = await server.call('POST', '/_inference/reranker', { query: 'capital of France', input: passages, top_n: 1, return_documents: false });
    expect(top.json.rerank).toEqual([{ index: 1, relevance_score: expect.any(Number) }]);
    const viaTaskSettings = await server.call('POST', '/_inference/reranker', { query: 'capital of France', input: passages, task_settings: { return_documents: false } });
    expect(viaTaskSettings.json.rerank).toHaveLength(3);
    expect(viaTaskSettings.json.rerank[0].text).toBeUndefined();
  });
});

describe('models the engine refuses or cannot match', () => {
  test('unpooled SPLADE logits are refused with a clear message', async () => {
    const response = await server.call('PUT', '/_inference/sparse_embedding/splade', { service: 'elasticsearch', service_settings: deployment('test-unpooled-splade') });
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toContain('Model [test-unpooled-splade] cannot be served by the local engine');
    expect(response.json.error.reason).toContain('unpooled SPLADE');
  });

  test('a directory without model.onnx is not a model', async () => {
    const response = await server.call('PUT', '/_inference/text_embedding/nothing', { service: 'elasticsearch', service_settings: deployment('not-a-model') });
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toBe(
      'Error parsing request config, model id does not match any models available on this platform. Was [not-a-model]. You may need to load it into the cluster using eland.',
    );
  });
});
