/** The set-up every service's own tests share: its mock, and a server that reaches it through
 * INFERGATE_UPSTREAM_ORIGINS; plus creating endpoints and reading what the mock received. */
import type { Config } from '../../server/config';
import type { JsonObject, MockProvider, RecordedRequest } from './mock-provider/mock-server';
import { startTestServer, type TestResponse, type TestServer } from './server';

export interface ServiceUnderTest<M extends MockProvider> {
  server: TestServer;
  mock: M;
}

/** `origins` names more upstream origins the mock stands for (an auth endpoint such as `azure-entra`). */
export function withMockedService<M extends MockProvider>(
  service: string,
  startMock: () => Promise<M>,
  { origins = [], ...overrides }: Partial<Config> & { origins?: string[] } = {},
): ServiceUnderTest<M> {
  const context = {} as ServiceUnderTest<M>;
  beforeAll(async () => {
    context.mock = await startMock();
    const upstreamOrigins = Object.fromEntries([service, ...origins].map((name) => [name, context.mock.url]));
    context.server = await startTestServer({ upstreamOrigins, ...overrides });
  });
  beforeEach(() => context.mock.reset());
  afterAll(async () => {
    await context.server?.stop();
    await context.mock?.close();
  });
  return context;
}

let counter = 0;
export const newId = (prefix: string) => `${prefix}-${++counter}`;

/** PUTs an endpoint that must be created; the mock's record of the validation call is cleared. */
export async function createEndpoint<M extends MockProvider>(
  { server, mock }: ServiceUnderTest<M>,
  taskType: string,
  id: string,
  body: Record<string, unknown>,
): Promise<TestResponse> {
  const put = await server.call('PUT', `/_inference/${taskType}/${id}`, body);
  expect({ status: put.status, error: put.json?.error }).toEqual({ status: 200, error: undefined });
  mock.reset();
  return put;
}

export const bodyOf = (request: RecordedRequest) => request.body as JsonObject;

/** The only request the mock received on `route`. */
export function onlyRequest(mock: MockProvider, route: string): RecordedRequest {
  const requests = mock.requestsTo(route);
  expect(requests).toHaveLength(1);
  return requests[0];
}
