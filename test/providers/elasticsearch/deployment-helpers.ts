/** What the local-deployment tests share: a server per describe block on the test models, deterministic texts,
 * endpoint settings, and reading the deployment's stats. */
import type { Config } from '../../../server/config';
import { buildTestModels, localServerFor } from '../../support/local-models';
import { type DeploymentStats } from '../../support/trained-models';
import type { TestResponse, TestServer } from '../../support/server';

export const BERT = 'synthetic-bert-l4-h128';
export const GLOVE = 'glove-twitter-25d-sif';

/** Builds the test models once for the calling test file; returns `serverFor`, which gives a server for one describe
 * block, stopped (with its deployments) after it. */
export function serversOnTestModels(): (overrides?: Partial<Config>) => () => TestServer {
  let modelsRoot: string;
  beforeAll(() => {
    modelsRoot = buildTestModels();
  });
  return (overrides = {}) => localServerFor(() => modelsRoot, overrides);
}

export const WORDS = (
  'river mountain coffee planet window garden silver engine forest candle market doctor bridge winter ocean ' +
  'pencil thunder castle rocket violin desert island camera lemon tiger orange yellow purple school summer'
).split(' ');

/** A deterministic text of `count` words (one token each), different for every seed. */
export function text(seed: number, count: number): string {
  let state = seed * 2654435761 + 12345;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return WORDS[state % WORDS.length];
  }).join(' ');
}

export const fixed = (model_id: string, num_allocations = 1) => ({ model_id, num_threads: 1, num_allocations });
export const adaptive = (model_id: string, min: number, max: number) => ({
  model_id,
  num_threads: 1,
  adaptive_allocations: { enabled: true, min_number_of_allocations: min, max_number_of_allocations: max },
});

export async function putEndpoint(server: TestServer, id: string, serviceSettings: object): Promise<TestResponse> {
  const response = await server.call('PUT', `/_inference/text_embedding/${id}`, { service: 'elasticsearch', service_settings: serviceSettings });
  expect(response.status).toBe(200);
  return response;
}

export type NodeStats = DeploymentStats['nodes'][number];

/** The deployment's stats entry (by deployment id), or undefined when no deployment has that id. */
export async function deploymentStats(server: TestServer, deploymentId: string): Promise<DeploymentStats | undefined> {
  const response = await server.call('GET', `/_ml/trained_models/${deploymentId}/_stats`);
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  const entries = response.json.trained_model_stats as { deployment_stats?: DeploymentStats }[];
  return entries.find((entry) => entry.deployment_stats?.deployment_id === deploymentId)?.deployment_stats;
}

export async function nodeStats(server: TestServer, deploymentId: string): Promise<NodeStats> {
  const stats = await deploymentStats(server, deploymentId);
  expect(stats).toBeDefined();
  return stats!.nodes[0];
}

/** Polls `probe` until `done` holds of its value; fails with the last value seen once `timeoutMs` have passed. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const embeddingsOf = (response: TestResponse): number[][] =>
  response.json.text_embedding.map((entry: { embedding: number[] }) => entry.embedding);

/** Tracks whether a request has answered, so that tests can assert the order in which requests finish. */
export function tracked(call: Promise<TestResponse>): { done: () => boolean; response: Promise<TestResponse> } {
  let settled = false;
  const response = call.finally(() => {
    settled = true;
  });
  return { done: () => settled, response };
}
