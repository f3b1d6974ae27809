/** redactSecrets: a secret is redacted as it is and in the forms a URL gives it (a key in a query string). */
import { redactSecrets } from '../../../server/providers/kit/redact';

const key = 'AIza/Sy+D3m=Ock&Kk3 yF0r?G8o%OgL#e5';

test.each([
  ['as it is', key],
  ['percent-encoded', encodeURIComponent(key)],
  ['form-encoded (a space as +)', new URLSearchParams({ key }).toString().slice('key='.length)],
])('a secret %s in a URL is redacted', (_form, written) => {
  const url = `https://generativelanguage.googleapis.com/v1/models/m:generateContent?key=${written}&alt=sse`;
  expect(redactSecrets(`Failed to send request to [${url}]`, { api_key: key })).toBe(
    'Failed to send request to [https://generativelanguage.googleapis.com/v1/models/m:generateContent?key=[REDACTED]&alt=sse]',
  );
});

test('text without the secret is left as it is', () => {
  expect(redactSecrets('Resource not found at [https://example.com/v1/models/m:batchEmbedContents]', { api_key: key })).toBe(
    'Resource not found at [https://example.com/v1/models/m:batchEmbedContents]',
  );
});
