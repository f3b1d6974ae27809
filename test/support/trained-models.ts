/** Reading `GET /_ml/trained_models/_stats` in tests. */
import type { components } from '../../generated/openapi';
import type { TestServer } from './server';

export type DeploymentStats = NonNullable<components['schemas']['TrainedModelStats']['deployment_stats']>;

/** The deployments the stats API reports, by deployment id. */
export async function deploymentsById(server: TestServer): Promise<Map<string, DeploymentStats>> {
  const response = await server.call('GET', '/_ml/trained_models/_stats');
  expect(response.status).toBe(200);
  const entries = response.json.trained_model_stats as components['schemas']['TrainedModelStats'][];
  return new Map(entries.flatMap((entry) => (entry.deployment_stats ? [[entry.deployment_stats.deployment_id, entry.deployment_stats] as const] : [])));
}
