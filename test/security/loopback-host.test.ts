import { request } from 'node:http';
import { startTestServer, type TestServer } from '../support/server';
import { isLoopbackName } from '../../server/security/loopback-host';

/** fetch sets Host from the URL; node:http lets a test send the Host a rebound DNS name would carry. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const target = new URL('/_inference/_services', url);
    const req = request({ hostname: target.hostname, port: target.port, path: target.pathname, headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security off on loopback: only loopback Host names are answered', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it.each(['localhost', 'localhost:9200', '127.0.0.1', '127.8.9.10:80', '[::1]', '[::1]:9200', 'LOCALHOST.'])('answers Host %s', async (host) => {
    expect((await getWithHost(server.url, host)).status).toBe(200);
  });

  it.each(['evil.example', 'evil.example:9200', '127.0.0.1.evil.example', '10.0.0.1', '[::2]', 'localhost.evil.example:80'])(
    'refuses Host %s with a security_exception',
    async (host) => {
      const answer = await getWithHost(server.url, host);
      expect(answer.status).toBe(403);
      expect(answer.body.error.type).toBe('security_exception');
      expect(answer.body.error.reason).toContain(`request Host [${host}] is not a loopback name`);
      expect(answer.body.status).toBe(403);
    },
  );

  it('treats a missing Host as not loopback', () => {
    expect(isLoopbackName(undefined)).toBe(false);
    expect(isLoopbackName('')).toBe(false);
  });
});
