/** INFERGATE_ALLOWED_UPSTREAM_HOSTS: user-supplied URLs (and every provider request) may not reach link-local or
 * cloud-metadata hosts unless allowed explicitly, and with the variable set only the hosts it names — checked at PUT
 * and `_update` on the URL, and when connecting on every address a name resolves to. */
import dns from 'node:dns';
import { loadConfig } from '../../server/config';
import { parseHostPatterns } from '../../server/providers/kit/host-patterns';
import { UpstreamAllowList, UpstreamHostRefused, checkUserUrls } from '../../server/providers/kit/upstream-allow-list';
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { reasonOf, startTestServer, type TestServer } from '../support/server';

const allowList = (raw?: string, origins = {}) => new UpstreamAllowList(parseHostPatterns(raw), origins);
const allowed = (list: UpstreamAllowList, url: string) => list.checkUrl(url) === undefined;

describe('patterns', () => {
  test('exact names, case and trailing dot aside', () => {
    const list = allowList('api.example.com');
    expect(allowed(list, 'https://api.example.com/v1')).toBe(true);
    expect(allowed(list, 'https://API.Example.COM./v1')).toBe(true);
    expect(allowed(list, 'https://example.com/v1')).toBe(false);
    expect(allowed(list, 'https://api.example.com.evil.org/v1')).toBe(false);
  });

  test('*.suffix matches subdomains only', () => {
    const list = allowList('*.example.com');
    expect(allowed(list, 'https://a.example.com/')).toBe(true);
    expect(allowed(list, 'https://a.b.example.com/')).toBe(true);
    expect(allowed(list, 'https://example.com/')).toBe(false);
    expect(allowed(list, 'https://badexample.com/')).toBe(false);
    // Characters that mean something in a regular expression mean nothing here.
    expect(allowed(allowList('*.exa-mple.com'), 'https://x.exaXmple.com/')).toBe(false);
  });

  test('IPv4 and IPv6 CIDR ranges and literals', () => {
    const list = allowList('10.0.0.0/8,fd12::/16,192.168.1.7,[::1]');
    expect(allowed(list, 'http://10.200.3.4/')).toBe(true);
    expect(allowed(list, 'http://11.0.0.1/')).toBe(false);
    expect(allowed(list, 'http://[fd12:3::9]/')).toBe(true);
    expect(allowed(list, 'http://[fd13::9]/')).toBe(false);
    expect(allowed(list, 'http://192.168.1.7:8080/')).toBe(true);
    expect(allowed(list, 'http://192.168.1.8/')).toBe(false);
    expect(allowed(list, 'http://[::1]:9000/')).toBe(true);
    // An IPv4-mapped IPv6 address is the IPv4 address.
    expect(allowed(list, 'http://[::ffff:10.1.2.3]/')).toBe(true);
    // A name is not an address, even when it looks like a range's text.
    expect(allowed(list, 'http://10.0.0.0.example/')).toBe(false);
  });

  test('a :port narrows a pattern to that port (80/443 when the URL has none)', () => {
    const list = allowList('gw.internal:8443,[fd00::1]:80,10.0.0.0/8:9000,plain.internal:443');
    expect(allowed(list, 'https://gw.internal:8443/')).toBe(true);
    expect(allowed(list, 'https://gw.internal/')).toBe(false);
    expect(allowed(list, 'http://[fd00::1]/')).toBe(true);
    expect(allowed(list, 'http://[fd00::1]:81/')).toBe(false);
    expect(allowed(list, 'http://10.1.1.1:9000/')).toBe(true);
    expect(allowed(list, 'http://10.1.1.1:9001/')).toBe(false);
    expect(allowed(list, 'https://plain.internal/')).toBe(true);
    expect(allowed(list, 'http://plain.internal/')).toBe(false);
  });

  test.each(['exa mple.com', 'a..b', '*', '*.', '10.0.0.0/33', 'fd00::/129', 'host:0', 'host:70000', 'host:http', '[::1', 'a.(b|c).com'])(
    'refuses the entry %j',
    (entry) => {
      expect(() => parseHostPatterns(entry)).toThrow(`got [${entry}]`);
    },
  );
});

test('the variable is read at start; a bad entry stops the server', () => {
  expect(loadConfig({}).allowedUpstreamHosts).toBeUndefined();
  expect(loadConfig({ INFERGATE_ALLOWED_UPSTREAM_HOSTS: ' api.openai.com , *.corp.example ,10.0.0.0/8 ' }).allowedUpstreamHosts?.map((p) => p.text)).toEqual([
    'api.openai.com',
    '*.corp.example',
    '10.0.0.0/8',
  ]);
  expect(() => loadConfig({ INFERGATE_ALLOWED_UPSTREAM_HOSTS: 'ok.example,http://bad.example' })).toThrow(
    'INFERGATE_ALLOWED_UPSTREAM_HOSTS entries are host names, *.suffix wildcards, IP addresses or CIDR ranges with an optional :port, got [http://bad.example]',
  );
});

describe('without the variable', () => {
  const list = allowList();

  test.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.0.1/',
    'http://2852039166/', // 169.254.169.254 as one number
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.GOOGLE.INTERNAL./',
    'http://100.100.100.200/',
  ])('%s is refused', (url) => {
    expect(allowed(list, url)).toBe(false);
  });

  test.each(['https://api.openai.com/v1/embeddings', 'http://127.0.0.1:9400/', 'http://10.0.0.5/', 'http://[::1]/'])('%s is allowed', (url) => {
    expect(allowed(list, url)).toBe(true);
  });

  test('resolved addresses are checked too', () => {
    expect(list.addressAllowed('innocent.example', '169.254.169.254')).toBe(false);
    expect(list.addressAllowed('innocent.example', '::ffff:a9fe:a9fe')).toBe(false);
    expect(list.addressAllowed('innocent.example', '93.184.216.34')).toBe(true);
  });
});

test('a metadata host allowed explicitly, by name or address, is allowed', () => {
  expect(allowed(allowList('169.254.169.254'), 'http://169.254.169.254/')).toBe(true);
  expect(allowList('169.254.0.0/16').addressAllowed('internal.example', '169.254.10.10')).toBe(true);
  const byName = allowList('metadata.google.internal');
  expect(allowed(byName, 'http://metadata.google.internal/')).toBe(true);
  expect(byName.addressAllowed('metadata.google.internal', '169.254.169.254')).toBe(true);
  expect(byName.addressAllowed('other.example', '169.254.169.254')).toBe(false);
});

test('checkUserUrls names the refused setting; other settings and relative URLs are left alone', () => {
  const list = allowList('api.example.com');
  const settings = { url: 'https://api.example.com/v1', token_url: 'http://u:p@169.254.169.254/token', model_id: '169.254.169.254' };
  expect(() => checkUserUrls(list, settings, ['url', 'token_url'])).toThrow(
    'Validation Failed: 1: [service_settings] Invalid url [http://169.254.169.254/token] received for field [token_url]. The host [169.254.169.254] is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS;',
  );
  expect(() => checkUserUrls(list, settings, ['url', 'model_id'])).not.toThrow();
  expect(() => checkUserUrls(list, { url: 'nvidia-embeddings-url' }, ['url'])).not.toThrow();
});

test('operator origins are always allowed', () => {
  const list = allowList('api.example.com', { openai: 'http://169.254.169.254' });
  expect(allowed(list, 'http://169.254.169.254/v1')).toBe(true);
  expect(list.addressAllowed('169.254.169.254', '169.254.169.254')).toBe(true);
});

test('the guarded lookup refuses a name that resolves to a link-local address', async () => {
  const spy = jest.spyOn(dns, 'lookup').mockImplementation(((_host: string, _options: unknown, callback: (...args: unknown[]) => void) =>
    callback(null, [{ address: '169.254.169.254', family: 4 }])) as never);
  try {
    const lookup = allowList().lookup();
    const error = await new Promise((resolve) => lookup('sneaky.example', {}, (err) => resolve(err)));
    expect(error).toBeInstanceOf(UpstreamHostRefused);
    expect((error as Error).message).toBe('The host [sneaky.example] resolves to [169.254.169.254], which is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS');
  } finally {
    spy.mockRestore();
  }
});

describe('through the API', () => {
  let mock: MockOpenAi;
  let server: TestServer;
  let port: string;
  const realLookup = dns.lookup;
  /** `*.test` names resolve where the test says; the rest as usual. */
  const fakeDns = new Map<string, string>();

  beforeAll(async () => {
    mock = await startMockOpenAi();
    port = new URL(mock.url).port;
    server = await startTestServer();
    jest.spyOn(dns, 'lookup').mockImplementation(((host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      const address = fakeDns.get(host);
      if (address === undefined) return (realLookup as (...args: unknown[]) => void)(host, options, callback);
      return options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4);
    }) as never);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await server.stop();
    await mock.close();
  });

  const putEmbedding = (target: TestServer, id: string, url: string) =>
    target.call('PUT', `/_inference/text_embedding/${id}`, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url },
    });

  test.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'],
    ['http://metadata.google.internal/v1/embeddings', 'metadata.google.internal'],
  ])('PUT with url %s is refused', async (url, host) => {
    const response = await putEmbedding(server, 'meta', url);
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('validation_exception');
    expect(reasonOf(response)).toBe(
      `Validation Failed: 1: [service_settings] Invalid url [${url}] received for field [url]. The host [${host}] is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS;`,
    );
    expect((await server.call('GET', '/_inference/meta')).status).toBe(404);
  });

  test('credentials in the URL are not echoed', async () => {
    const response = await putEmbedding(server, 'creds', 'http://admin:hunter2-secret@169.254.169.254/x');
    expect(response.status).toBe(400);
    expect(reasonOf(response)).toContain('Invalid url [http://169.254.169.254/x]');
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('admin');
  });

  test('a name resolving to a link-local address is refused when connecting', async () => {
    fakeDns.set('rebind.test', '169.254.169.254');
    const response = await putEmbedding(server, 'rebind', `http://rebind.test:${port}/v1/embeddings`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json.error)).toContain(
      'The host [rebind.test] resolves to [169.254.169.254], which is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS',
    );
    expect(mock.requestsTo('embeddings')).toHaveLength(0);
    expect((await server.call('GET', '/_inference/rebind')).status).toBe(404);
  });

  test('a name resolving to the loopback mock is reachable', async () => {
    fakeDns.set('mock.test', '127.0.0.1');
    const response = await putEmbedding(server, 'named', `http://mock.test:${port}/v1/embeddings`);
    expect(response.status).toBe(200);
    expect((await server.call('POST', '/_inference/text_embedding/named', { input: 'hi' })).status).toBe(200);
    await server.call('DELETE', '/_inference/named');
  });

  test('an allow-list admits the host it names and refuses the others, at PUT and _update', async () => {
    const bounded = await startTestServer({ allowedUpstreamHosts: parseHostPatterns(`127.0.0.1:${port},*.allowed.test`) });
    try {
      const created = await putEmbedding(bounded, 'ok', mock.embeddingsUrl);
      expect(created.status).toBe(200);
      expect((await bounded.call('POST', '/_inference/text_embedding/ok', { input: 'hi' })).status).toBe(200);

      const otherPort = await putEmbedding(bounded, 'no1', `http://127.0.0.1:1/v1/embeddings`);
      expect(otherPort.status).toBe(400);
      expect(reasonOf(otherPort)).toContain('The host [127.0.0.1] is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS');
      const otherHost = await putEmbedding(bounded, 'no2', 'https://api.openai.com/v1/embeddings');
      expect(otherHost.status).toBe(400);
      expect(reasonOf(otherHost)).toContain('The host [api.openai.com] is not allowed');

      // The built-in URL (no `url` set) is bounded too: the request never leaves.
      const builtIn = await bounded.call('PUT', '/_inference/text_embedding/builtin', {
        service: 'openai',
        service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small' },
      });
      expect(builtIn.status).toBe(400);
      expect(JSON.stringify(builtIn.json.error)).toContain('Invalid url [https://api.openai.com/v1/embeddings] received. The host [api.openai.com] is not allowed');

      const chat = await bounded.call('PUT', '/_inference/completion/chat', {
        service: 'openai',
        service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
      });
      expect(chat.status).toBe(200);
      // No service lets _update change a URL (as in Elasticsearch): the new one is ignored, never stored.
      const update = await bounded.call('PUT', '/_inference/chat/_update', { service_settings: { url: 'http://169.254.169.254/' } });
      expect(update.status).toBe(200);
      expect((await bounded.call('GET', '/_inference/chat')).json.endpoints[0].service_settings.url).toBe(mock.chatUrl);
    } finally {
      await bounded.stop();
    }
  });
});
