/** Checks an Elasticsearch error envelope of a simple (cause-less) error as a whole. */
import type { TestResponse } from './server';

export function expectEsError(response: TestResponse, status: number, type: string, reason: string): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: { error: { root_cause: [{ type, reason }], type, reason }, status },
  });
}
