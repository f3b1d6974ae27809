/**
 * The API documentation: the bundled spec as JSON and YAML, and Swagger UI over it — its files from the
 * swagger-ui-dist package, served by infergate itself (no CDN), under a content security policy that lets the page
 * reach nothing but its own origin.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { pathParam, type Handler } from '../api/context';
import { projectRoot } from '../openapi/document';

const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Read once, on first use: the files only change with a new build. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const swaggerUiFile = (name: string) => once(() => readFileSync(path.join(SWAGGER_UI, name)));

/** Starts Swagger UI over the server's own document. No validator badge: it would call validator.swagger.io. */
const START_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    defaultModelExpandDepth: 3,
    displayOperationId: true,
    filter: true,
  });
});
`;

/** Swagger UI's own files, and ours: the page's start-up script (a file, so that no inline script is needed). */
const JS = 'text/javascript; charset=utf-8';
const ASSETS: Readonly<Record<string, { bytes: () => Buffer; type: string }>> = {
  'swagger-ui.css': { bytes: swaggerUiFile('swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { bytes: swaggerUiFile('swagger-ui-bundle.js'), type: JS },
  'swagger-ui-standalone-preset.js': { bytes: swaggerUiFile('swagger-ui-standalone-preset.js'), type: JS },
  'favicon-32x32.png': { bytes: swaggerUiFile('favicon-32x32.png'), type: 'image/png' },
  'favicon-16x16.png': { bytes: swaggerUiFile('favicon-16x16.png'), type: 'image/png' },
  'docs.js': { bytes: () => Buffer.from(START_SCRIPT), type: JS },
};

// Inline styles are Swagger UI's own (it sets them from its scripts); images may be data: URIs.
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>infergate — API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/docs.js"></script>
</body>
</html>
`;

type Parameter = Record<string, unknown>;
type Bundled = { paths: Record<string, Record<string, unknown>>; components: { parameters?: Record<string, Parameter> } };

/**
 * The bundled spec with each parameter written out where it is used: Swagger UI does not resolve references to
 * `components/parameters` in an OpenAPI 3.1 path item (it shows them as `any`). The document says the same.
 */
function withParametersInPlace(document: Bundled): Bundled {
  const shared = document.components.parameters ?? {};
  const inPlace = (parameters: unknown) =>
    Array.isArray(parameters)
      ? parameters.map((parameter: { $ref?: string }) => (parameter.$ref?.startsWith('#/components/parameters/') ? shared[parameter.$ref.slice(24)] : parameter))
      : parameters;
  const paths = Object.fromEntries(
    Object.entries(document.paths).map(([template, item]) => [
      template,
      Object.fromEntries(
        Object.entries(item).map(([key, value]) => [
          key,
          key === 'parameters' ? inPlace(value) : value && typeof value === 'object' && 'parameters' in value ? { ...value, parameters: inPlace(value.parameters) } : value,
        ]),
      ),
    ]),
  );
  return { ...document, paths };
}

const viewerDocument = once(() => withParametersInPlace(JSON.parse(readFileSync(path.join(projectRoot(), 'generated', 'openapi.bundled.json'), 'utf8')) as Bundled));
const documentJson = once(() => JSON.stringify(viewerDocument()));
const documentYaml = once(() => stringify(viewerDocument(), { aliasDuplicateObjects: false, lineWidth: 0 }));

function sendDocument(response: Parameters<Handler>[1], type: string, body: string | Buffer): void {
  response.status(200).set({ 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' }).end(body);
}

export const getOpenApiJson: Handler = async (_request, response) => sendDocument(response, 'application/json; charset=utf-8', documentJson());

export const getOpenApiYaml: Handler = async (_request, response) => sendDocument(response, 'application/yaml; charset=utf-8', documentYaml());

export const getDocs: Handler = async (_request, response) => sendDocument(response, 'text/html; charset=utf-8', PAGE);

export const getDocsAsset: Handler = async (request, response) => {
  // The spec's enum has checked the name: only these files can be named.
  const asset = ASSETS[pathParam(request, 'asset') ?? ''];
  response.set('cache-control', 'public, max-age=3600');
  sendDocument(response, asset.type, asset.bytes());
};
