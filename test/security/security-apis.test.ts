/** The security APIs with security off (Elasticsearch's odd 500), and the authenticated user where the API records
 * one (the region policy). */
import { startTestServer } from '../support/server';
import { elastic, securityConfig } from '../support/security';

test('with security off, the security APIs answer as Elasticsearch with security disabled does', async () => {
  const server = await startTestServer();
  try {
    for (const [method, url] of [['GET', '/_security/_authenticate'], ['GET', '/_security/api_key']] as const) {
      const response = await server.call(method, url);
      expect(response.status).toBe(500);
      expect(response.json.error).toMatchObject({
        type: 'exception',
        reason: 'Security must be explicitly enabled when using a [trial] license. Enable security by setting [xpack.security.enabled] to [true] in the elasticsearch.yml file and restart the node.',
      });
    }
  } finally {
    await server.stop();
  }
});

test('the region policy records the authenticated user as created_by and updated_by', async () => {
  const server = await startTestServer(securityConfig);
  try {
    const created = await server.call('PUT', '/_inference/_region_policy', { region_policy: { allowed_geos: ['eu'] } }, elastic);
    expect(created.json).toMatchObject({ created_by: 'elastic' });
    const updated = await server.call('PUT', '/_inference/_region_policy', { region_policy: { allowed_geos: ['us'] } }, elastic);
    expect(updated.json).toMatchObject({ created_by: 'elastic', updated_by: 'elastic' });
  } finally {
    await server.stop();
  }
});
