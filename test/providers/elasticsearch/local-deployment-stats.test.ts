/**
 * Deployments of the local engine through HTTP: PUT starts one and `_ml/trained_models/_stats` reports it (by model
 * id, deployment id, pattern, `_all`); DELETE stops it.
 */
import { type DeploymentStats } from '../../support/trained-models';
import type { TestResponse } from '../../support/server';
import { BERT, GLOVE, fixed, putEndpoint, deploymentStats, serversOnTestModels } from './deployment-helpers';

const serverFor = serversOnTestModels();

describe('deployments on a server with default settings', () => {
  const server = serverFor();

  describe('PUT starts the deployment; _ml/trained_models/_stats reports it', () => {
    test('PUT with num_allocations 1 answers once the deployment has started', async () => {
      const created = await putEndpoint(server(), 'fixed-one', fixed(BERT));
      expect(created.json.service_settings.num_allocations).toBe(1);

      // No polling: the PUT returned, so the deployment must already be fully up.
      const stats = await deploymentStats(server(), 'fixed-one');
      expect(stats).toMatchObject({
        deployment_id: 'fixed-one',
        model_id: BERT,
        state: 'started',
        number_of_allocations: 1,
        allocation_status: { allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' },
      });
      expect(stats!.nodes).toHaveLength(1);
      expect(stats!.nodes[0].number_of_allocations).toBe(1);

      const got = await server().call('GET', '/_inference/fixed-one');
      expect(got.status).toBe(200);
      expect(got.json.endpoints[0].service_settings).toMatchObject({ num_allocations: 1, num_threads: 1, model_id: BERT });
    });

    test('the stats find the deployment by model id and by deployment id (the inference id)', async () => {
      const byModel = await server().call('GET', `/_ml/trained_models/${BERT}/_stats`);
      expect(byModel.status).toBe(200);
      expect(byModel.json.count).toBe(byModel.json.trained_model_stats.length);
      expect(byModel.json.trained_model_stats.every((entry: { model_id: string }) => entry.model_id === BERT)).toBe(true);
      expect(byModel.json.trained_model_stats.map((entry: { deployment_stats?: DeploymentStats }) => entry.deployment_stats?.deployment_id)).toContain(
        'fixed-one',
      );

      const byDeployment = await server().call('GET', '/_ml/trained_models/fixed-one/_stats');
      expect(byDeployment.status).toBe(200);
      expect(byDeployment.json.count).toBe(1);
      expect(byDeployment.json.trained_model_stats).toHaveLength(1);
      expect(byDeployment.json.trained_model_stats[0]).toMatchObject({
        model_id: BERT,
        pipeline_count: 0,
        deployment_stats: { deployment_id: 'fixed-one', model_id: BERT },
      });

      const byPattern = await server().call('GET', '/_ml/trained_models/fixed-o*/_stats');
      expect(byPattern.json.count).toBe(1);
      expect(byPattern.json.trained_model_stats[0].deployment_stats.deployment_id).toBe('fixed-one');
    });

    test('_all, * and the path without an id list every model, with a count that matches', async () => {
      const listings = await Promise.all(
        ['/_ml/trained_models/_stats', '/_ml/trained_models/_all/_stats', '/_ml/trained_models/*/_stats'].map((path) => server().call('GET', path)),
      );
      const ids = (response: TestResponse) =>
        response.json.trained_model_stats.map((entry: { model_id: string; deployment_stats?: DeploymentStats }) =>
          entry.deployment_stats ? `${entry.model_id}/${entry.deployment_stats.deployment_id}` : entry.model_id,
        );
      for (const listing of listings) {
        expect(listing.status).toBe(200);
        expect(listing.json.count).toBe(listing.json.trained_model_stats.length);
        expect(ids(listing)).toContain(`${BERT}/fixed-one`);
        // Installed models that no deployment runs are listed too, without deployment_stats.
        expect(listing.json.trained_model_stats).toContainEqual({ model_id: GLOVE, pipeline_count: 0 });
        expect(ids(listing)).toEqual(ids(listings[0]));
      }
      // count is the number of matches, before size cuts the list.
      const page = await server().call('GET', '/_ml/trained_models/_all/_stats?size=1');
      expect(page.json.count).toBe(listings[0].json.count);
      expect(page.json.trained_model_stats).toHaveLength(1);
    });

    test('an unknown id is 404; a wildcard that matches nothing is an empty answer unless allow_no_match=false', async () => {
      const unknown = await server().call('GET', '/_ml/trained_models/no-such-model/_stats');
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.type).toBe('resource_not_found_exception');
      expect(unknown.json.error.reason).toBe('No known trained model with model_id [no-such-model]');

      const none = await server().call('GET', '/_ml/trained_models/no-such-*/_stats');
      expect(none.status).toBe(200);
      expect(none.json).toEqual({ count: 0, trained_model_stats: [] });

      const strict = await server().call('GET', '/_ml/trained_models/no-such-*/_stats?allow_no_match=false');
      expect(strict.status).toBe(404);
      expect(strict.json.error.type).toBe('resource_not_found_exception');
      expect(strict.json.error.reason).toBe('No known trained model with model_id [no-such-*]');
    });
  });

  describe('DELETE', () => {
    test('deleting the endpoint stops its deployment: the model is listed again without deployment_stats', async () => {
      await putEndpoint(server(), 'glove-deployment', fixed(GLOVE));
      const running = await server().call('GET', `/_ml/trained_models/${GLOVE}/_stats`);
      expect(running.json.trained_model_stats).toEqual([
        expect.objectContaining({ model_id: GLOVE, deployment_stats: expect.objectContaining({ deployment_id: 'glove-deployment', state: 'started' }) }),
      ]);

      const deleted = await server().call('DELETE', '/_inference/glove-deployment');
      expect(deleted.status).toBe(200);
      expect(deleted.json.acknowledged).toBe(true);

      const gone = await server().call('GET', '/_ml/trained_models/glove-deployment/_stats');
      expect(gone.status).toBe(404);
      const idle = await server().call('GET', `/_ml/trained_models/${GLOVE}/_stats`);
      expect(idle.status).toBe(200);
      expect(idle.json).toEqual({ count: 1, trained_model_stats: [{ model_id: GLOVE, pipeline_count: 0 }] });
    });
  });
});
