/**
 * The documentation page in a real browser (Debian's Chromium, driven by playwright-core): it loads with no console
 * error and no request leaving the server's origin, lists every operation, shows the PUT body's service variants,
 * and "Try it out" executes a request against the running server. A screenshot is kept as an artifact.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';

const CHROMIUM = process.env.INFERGATE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '../../artifacts');
// CI installs Chromium (.ci/run); elsewhere the test says why it did not run.
const available = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!available) console.warn(`docs-browser: no Chromium at ${CHROMIUM} (apt-get install chromium, or set INFERGATE_CHROMIUM): skipped`);

const document = JSON.parse(readFileSync(path.join(__dirname, '../../generated/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: { CreateEndpointRequest: { oneOf: { title: string }[] } } };
};
const OPERATIONS = Object.values(document.paths).flatMap((item) => ['get', 'put', 'post', 'delete', 'head'].filter((method) => item[method]));
const SERVICE_TITLES = document.components.schemas.CreateEndpointRequest.oneOf.map((variant) => variant.title);

(available ? describe : describe.skip)('the /docs page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Nothing of Chromium's own may call out either (updates, sync, background fetches).
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(`${server.url}/`) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    await page.goto(`${server.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('every operation of the spec is listed', async () => {
    expect(await page.locator('.opblock').count()).toBe(OPERATIONS.length);
    await expect(page.locator('#operations-endpoints-putEndpointWithTaskType').count()).resolves.toBe(1);
  });

  test("the PUT body's schema shows every service and opens a service's task-type variants", async () => {
    const operation = page.locator('#operations-endpoints-putEndpointWithTaskType');
    await operation.locator('.opblock-summary').click();
    const body = operation.locator('.opblock-section-request-body');
    await body.getByRole('tab', { name: 'Schema' }).click();
    await body.locator('.model-box').first().waitFor();
    const schema = await body.innerText();
    SERVICE_TITLES.forEach((title, index) => expect(schema).toContain(`#${index} ${title}`));
    // The first service's variants (one per task type), opened.
    await body.getByRole('button', { name: 'Expand all' }).first().click();
    await body.getByText('service_settings').first().waitFor({ timeout: 20_000 });
    expect((await body.innerText()).length).toBeGreaterThan(schema.length);
  }, 60_000);

  test('"Try it out" executes GET / against the server', async () => {
    const operation = page.locator('#operations-info-getInfo');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    await operation.locator('.live-responses-table .response-col_status', { hasText: '200' }).first().waitFor({ timeout: 20_000 });
    expect(await operation.locator('.live-responses-table').innerText()).toContain('You Know, for Search');

    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = path.join(ARTIFACTS, 'docs-page.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`docs-browser: screenshot at ${screenshot}`);
    expect(existsSync(screenshot)).toBe(true);
  }, 60_000);

  test('nothing failed on the page, and nothing left the origin', () => {
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
