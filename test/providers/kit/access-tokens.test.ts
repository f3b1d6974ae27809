/** AccessTokens: one token per endpoint and credentials, shared by concurrent calls, reissued near expiry, and
 * forgotten on a 401 or when the endpoint changes. */
import { timeValueFromMs } from '../../../server/http/time-value';
import { Deadline } from '../../../server/inference/deadline';
import type { CallContext } from '../../../server/inference/call-context';
import { AccessTokens } from '../../../server/providers/kit/access-tokens';

const contextOf = (inferenceId: string): CallContext =>
  ({ endpoint: { inferenceId, taskType: 'completion', service: 'test', serviceSettings: {}, taskSettings: {}, secrets: {}, internal: {} }, taskSettings: {}, deadline: new Deadline(timeValueFromMs(5000)) }) as CallContext;

test('concurrent calls of one endpoint share one issue; another endpoint gets its own token', async () => {
  const tokens = new AccessTokens();
  let issued = 0;
  const issue = async () => ({ token: `token-${++issued}`, expiresInSeconds: 3600 });
  const a = contextOf('a');
  expect(await Promise.all([tokens.token(a, 'key', issue), tokens.token(a, 'key', issue)])).toEqual(['token-1', 'token-1']);
  expect(await tokens.token(contextOf('b'), 'key', issue)).toBe('token-2');
  expect(await tokens.token(a, 'key', issue)).toBe('token-1');
  // Other credentials of the same endpoint (after an _update) are another token.
  expect(await tokens.token(a, 'other key', issue)).toBe('token-3');
});

test('a 401 forgets the token; an _update or DELETE forgets all of the endpoint', async () => {
  const tokens = new AccessTokens();
  let issued = 0;
  const issue = async () => ({ token: `token-${++issued}` });
  const a = contextOf('a');
  await tokens.token(a, 'key', issue);
  tokens.forget(a, 'key');
  expect(await tokens.token(a, 'key', issue)).toBe('token-2');
  await tokens.token(contextOf('b'), 'key', issue);
  tokens.forgetEndpoint('a');
  expect(await tokens.token(a, 'key', issue)).toBe('token-4');
  expect(await tokens.token(contextOf('b'), 'key', issue)).toBe('token-3');
});

test('a token within half a minute of its expiry is not used; a failed issue is not cached', async () => {
  const tokens = new AccessTokens();
  let issued = 0;
  const a = contextOf('a');
  expect(await tokens.token(a, 'key', async () => ({ token: `token-${++issued}`, expiresInSeconds: 20 }))).toBe('token-1');
  expect(await tokens.token(a, 'key', async () => ({ token: `token-${++issued}`, expiresInSeconds: 3600 }))).toBe('token-2');
  tokens.forgetEndpoint('a');
  await expect(tokens.token(a, 'key', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  expect(await tokens.token(a, 'key', async () => ({ token: 'token-3' }))).toBe('token-3');
});
