/** The API documentation: the bundled spec as JSON and YAML, the viewer page and its files, served offline. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const bundled = JSON.parse(readFileSync(path.join(__dirname, '../../generated/openapi.bundled.json'), 'utf8'));

const dereferenced = JSON.parse(readFileSync(path.join(__dirname, '../../generated/openapi.json'), 'utf8'));

test('/openapi.json and /openapi.yaml are the bundled spec, its parameters written out in place', async () => {
  const json = await server.call('GET', '/openapi.json');
  expect(json.status).toBe(200);
  expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(json.json.components).toEqual(bundled.components);
  expect(Object.keys(json.json.paths)).toEqual(Object.keys(bundled.paths));
  expect(json.text).not.toContain('#/components/parameters/');
  const names = (item: { parameters?: { name: string }[] }) => (item.parameters ?? []).map((parameter) => parameter.name);
  for (const [template, item] of Object.entries<Record<string, { parameters?: { name: string }[] }>>(dereferenced.paths)) {
    expect({ template, names: names(json.json.paths[template]) }).toEqual({ template, names: names(item) });
    for (const method of ['get', 'put', 'post', 'delete', 'head']) {
      if (item[method]) expect({ template, method, names: names(json.json.paths[template][method]) }).toEqual({ template, method, names: names(item[method]) });
    }
  }
  const yaml = await server.call('GET', '/openapi.yaml');
  expect(yaml.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
  expect(parse(yaml.text)).toEqual(json.json);
  // "Try it out" calls the server that served the document.
  expect(json.json.servers[0].url).toBe('/');
});

test('/docs is a page of local files only, under a policy that lets it reach nothing else', async () => {
  const page = await server.call('GET', '/docs');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
  expect(page.text).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  const files = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
  expect(files).toEqual(['/docs/swagger-ui.css', '/docs/favicon-32x32.png', '/docs/favicon-16x16.png', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-standalone-preset.js', '/docs/docs.js']);
  for (const file of files) {
    const asset = await fetch(server.url + file);
    expect({ file, status: asset.status }).toEqual({ file, status: 200 });
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
  }
  const start = await server.call('GET', '/docs/docs.js');
  expect(start.text).toContain("url: '/openapi.json'");
  expect(start.text).toContain('validatorUrl: null');
});

test('only the viewer files can be asked for', async () => {
  for (const name of ['..%2Fpackage.json', 'index.html', 'swagger-ui.js.map']) {
    const response = await server.call('GET', `/docs/${name}`);
    expect({ name, status: response.status, type: response.json?.error?.type }).toEqual({ name, status: 400, type: 'illegal_argument_exception' });
  }
});
