/** Credentials for tests of a server with security on. */
import type { TestServer } from './server';

export const ELASTIC_PASSWORD = 'elastic-test-password';

export const basic = (username: string, password: string) => ({ authorization: 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64') });

export const elastic = basic('elastic', ELASTIC_PASSWORD);

export const apiKeyHeader = (encoded: string) => ({ authorization: `ApiKey ${encoded}` });

/** Security on, the elastic password set, and no limit on failed attempts (tests fail on purpose, from one address). */
export const securityConfig = { security: 'true', bootstrapPassword: ELASTIC_PASSWORD, authFailureLimit: 0 } as const;

/** Creates an API key as `elastic` with the given cluster privileges and answers its Authorization header. */
export async function createKey(server: TestServer, name: string, cluster: string[]): Promise<{ id: string; header: Record<string, string> }> {
  const response = await server.call('POST', '/_security/api_key', { name, role_descriptors: { [`${name}-role`]: { cluster } } }, elastic);
  if (response.status !== 200) throw new Error(`creating key [${name}]: ${response.status} ${response.text}`);
  return { id: response.json.id, header: apiKeyHeader(response.json.encoded) };
}
