/**
 * Batching in the local engine under concurrent load, and model inference that leaves the event loop free. The load
 * runs on `synthetic-bert-l4-h128`, whose random weights make it compute-bound like a real small model (its vectors
 * mean nothing; only equality is checked).
 */
import { BERT, text, fixed, putEndpoint, nodeStats, waitFor, embeddingsOf, tracked, serversOnTestModels } from './deployment-helpers';

const serverFor = serversOnTestModels();

describe('deployments on a server with default settings', () => {
  const server = serverFor();

  describe('batching under concurrent load (one allocation)', () => {
    test('concurrent requests share batches, and each caller gets the embedding of its own text', async () => {
      await putEndpoint(server(), 'batched', fixed(BERT));
      const before = await nodeStats(server(), 'batched');

      // 64 different texts of the same length: they batch together, and any mix-up between callers would show.
      const texts = Array.from({ length: 64 }, (_, index) => text(index, 24));
      const together = await Promise.all(texts.map((input) => server().call('POST', '/_inference/text_embedding/batched', { input })));
      expect(together.map((response) => response.status)).toEqual(texts.map(() => 200));

      const after = await nodeStats(server(), 'batched');
      const inputs = after.inference_count - before.inference_count;
      const batches = after.batch_count - before.batch_count;
      expect(inputs).toBe(64);
      expect(batches).toBeLessThan(inputs);
      expect(after.max_batch_size).toBeGreaterThan(1);
      expect(after.average_batch_size).toBeGreaterThan(1);

      // The same texts one at a time (each alone in its batch): identical vectors, text for text.
      for (const [index, input] of texts.entries()) {
        const alone = await server().call('POST', '/_inference/text_embedding/batched', { input });
        expect(embeddingsOf(together[index])).toEqual(embeddingsOf(alone));
      }
      // The texts really do embed differently, so the comparison above would catch a swap.
      expect(embeddingsOf(together[0])).not.toEqual(embeddingsOf(together[1]));
    });

    test('short and long inputs mixed in concurrent requests stay in separate batches (padding stays small)', async () => {
      await putEndpoint(server(), 'padding', fixed(BERT));
      // Each request holds one long input (~200 tokens) and six very short ones. A batch is padded to its longest
      // input, so a short input batched beside a long one costs as much as the long one: first-come batches of
      // these would be mostly padding (ratio around 5). The queue instead fills a batch with inputs of a length
      // close to its oldest input's, so long inputs run with long ones and short with short: the ratio stays
      // near 1.
      const requests = Array.from({ length: 16 }, (_, request) => [
        text(1000 + request, 200),
        ...Array.from({ length: 6 }, (_, short) => text(2000 + request * 6 + short, 1 + (short % 3))),
      ]);
      const responses = await Promise.all(requests.map((input) => server().call('POST', '/_inference/padding', { input })));
      for (const [index, response] of responses.entries()) {
        expect(response.status).toBe(200);
        expect(response.json.text_embedding).toHaveLength(requests[index].length);
      }
      const stats = await nodeStats(server(), 'padding');
      expect(stats.inference_count).toBe(1 + 16 * 7); // with PUT's validation call
      expect(stats.batch_count).toBeLessThan(stats.inference_count);
      expect(stats.max_batch_size).toBeGreaterThan(1);
      expect(stats.padding_ratio).toBeGreaterThanOrEqual(1);
      expect(stats.padding_ratio).toBeLessThan(2);
    });
  });

  describe('model inference runs off the event loop', () => {
    test('while a long batch runs, GET /_inference and GET / answer before it does', async () => {
      await putEndpoint(server(), 'long-batch', fixed(BERT));
      const before = await nodeStats(server(), 'long-batch');
      // 64 inputs of 512 tokens (the model window): two batches of 32, each over a second of model time.
      const input = Array.from({ length: 64 }, (_, index) => text(3000 + index, 600));
      const inference = tracked(server().call('POST', '/_inference/long-batch', { input }));

      // Wait until the request's last batch runs: a first batch is done and nothing waits in the queue. Were the
      // model run on the event loop, the server could only answer between batches, so the GETs below would wait
      // for that last batch and hence for the POST's answer.
      await waitFor(
        async () => ({ stats: await nodeStats(server(), 'long-batch'), done: inference.done() }),
        ({ stats, done }) => done || (stats.inference_count > before.inference_count && stats.number_of_pending_requests === 0),
        30_000,
      );
      const endpoints = tracked(server().call('GET', '/_inference'));
      const root = tracked(server().call('GET', '/'));
      expect((await endpoints.response).status).toBe(200);
      expect((await root.response).status).toBe(200);
      expect(inference.done()).toBe(false);

      const answered = await inference.response;
      expect(answered.status).toBe(200);
      expect(answered.json.text_embedding).toHaveLength(64);
    }, 60_000);
  });

});
