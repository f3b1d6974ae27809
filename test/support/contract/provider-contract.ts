/**
 * The behaviour every remote service shares, run against the service's mock reached through
 * INFERGATE_UPSTREAM_ORIGINS: `_services` lists its task types; PUT makes one validation call and stores nothing
 * when it fails; provider statuses map to Elasticsearch's (reference §11) with its retries (three attempts at most,
 * 5xx answered as 400); unreadable answers; timeouts abort the upstream request; rate limits; streams (framing,
 * errors before and during them, disconnects); an unreachable provider; and no secret in any answer or log line.
 */
import { closedPort } from '../ports';
import { expectEventStream, expectNoSecretLeft, framesOf, onlyErrorFrame, postRaw, DONE_FRAME, type RawResponse } from '../assertions';
import type { MockProvider } from '../mock-provider/mock-server';
import { startTestServer, type TestResponse, type TestServer } from '../server';
import { expectGoodAnswer, expectGoodStream, infer, STREAMED_ROUTE, streamBody, type TaskType } from './task-calls';

export interface ProviderContract<M extends MockProvider> {
  service: string;
  /** Exactly the service's task types (reference §8.27). */
  taskTypes: readonly TaskType[];
  startMock(): Promise<M>;
  /** A PUT body of the task type; it names no provider host of its own beyond what the origin override replaces. */
  putBody(taskType: TaskType, mock: M): Record<string, unknown>;
  /** The mock route that serves the task type. */
  route(taskType: TaskType): string;
  /** The secret values the PUT bodies hold: none may leave the server. */
  secrets: readonly string[];
  /** Statuses Elasticsearch retries for the task type (default: its OpenAI handlers'). */
  retried?(taskType: TaskType): readonly number[];
  /** For a service whose 500s are not retried: the server error its handler does retry, and Elasticsearch's prefix. */
  retriedServerError?(taskType: TaskType): { status: number; prefix: string };
  /** False for a service without a `rate_limit` setting. */
  rateLimited?: boolean;
  /** False for a service whose completion does not stream (Elasticsearch answers its `_stream` with a 405). */
  streams?: boolean;
  /** Origins beyond the service's own that its calls need, e.g. its token endpoint (`google-oauth`, `ibm-iam`). */
  authOrigins?(mock: M): Record<string, string>;
  /** For a service that words provider failures its own way (the AWS SDK's services map the SDK's exceptions):
   * what Elasticsearch answers for a provider status, and for an unreadable answer (default: reference §11's). */
  failures?: ServiceFailures;
}

export interface ServiceFailures {
  answer(inferenceId: string, providerStatus: number): { status: number; reason: string };
  unreadable: { attempts: number; reason: RegExp };
}

/** Reference §11: the provider status in the reason, a 5xx answered as 400. */
const HTTP_FAILURES: ServiceFailures = {
  answer: (id, status) => ({ status: status >= 500 ? 400 : status, reason: `for request from inference entity id [${id}] status [${status}]` }),
  unreadable: { attempts: 3, reason: /^Failed to send .+\. Cause: / },
};

const DEFAULT_RETRIED = (taskType: TaskType): readonly number[] =>
  taskType === 'completion' || taskType === 'chat_completion' ? [500, 503] : [500, 503, 429];

let counter = 0;
const newId = (service: string, taskType: TaskType) => `${service}-${taskType}-${++counter}`.replace(/_/g, '-');

/** The status of an answer: on the chat route a failure before the first event is an SSE error frame. */
function failureOf(response: TestResponse | RawResponse): { status: number; reason: string } {
  if ('json' in response && response.json) return { status: response.status, reason: response.json.error?.reason ?? '' };
  const error = onlyErrorFrame(response as RawResponse).error;
  return { status: response.status, reason: error.message ?? error.reason };
}

export function describeProviderContract<M extends MockProvider>(contract: ProviderContract<M>): void {
  const { service } = contract;
  const retried = contract.retried ?? DEFAULT_RETRIED;
  const failures = contract.failures ?? HTTP_FAILURES;
  const answers = (id: string, providerStatus: number) => failures.answer(id, providerStatus);

  describe(`the ${service} provider contract`, () => {
    let mock: M;
    let server: TestServer;
    beforeAll(async () => {
      mock = await contract.startMock();
      // Rate limits count per second here, so that retries are not held up by a service's low default.
      server = await startTestServer({ upstreamOrigins: { ...contract.authOrigins?.(mock), [service]: mock.url }, rateLimitIntervalMs: 1000 });
    });
    beforeEach(() => mock.reset());
    afterAll(async () => {
      await server?.stop();
      await mock?.close();
    });

    async function create(taskType: TaskType): Promise<string> {
      const id = newId(service, taskType);
      const put = await server.call('PUT', `/_inference/${taskType}/${id}`, contract.putBody(taskType, mock));
      expect({ status: put.status, error: put.json?.error }).toEqual({ status: 200, error: undefined });
      mock.reset();
      return id;
    }

    test('_services lists exactly its task types', async () => {
      const listed = await server.call('GET', '/_inference/_services');
      const entry = listed.json.find((info: { service: string }) => info.service === service);
      expect([...entry.task_types].sort()).toEqual([...contract.taskTypes].sort());
    });

    describe.each(contract.taskTypes.map((taskType) => [taskType]))('%s', (taskType) => {
      const route = contract.route(taskType);

      test('PUT makes one validation call, through the upstream origin, and stores the endpoint', async () => {
        const id = newId(service, taskType);
        const put = await server.call('PUT', `/_inference/${taskType}/${id}`, contract.putBody(taskType, mock));
        expect({ status: put.status, error: put.json?.error }).toEqual({ status: 200, error: undefined });
        expect(put.json).toMatchObject({ inference_id: id, task_type: taskType, service });
        expect(mock.requestsTo(route)).toHaveLength(1);
        if (taskType === 'text_embedding' || taskType === 'embedding') expect(put.json.service_settings.dimensions).toBeGreaterThan(0);
        expect((await server.call('GET', `/_inference/${id}`)).json.endpoints).toEqual([put.json]);
      });

      test('a refused validation call fails the PUT with it as the cause, and stores nothing', async () => {
        const id = newId(service, taskType);
        mock.enqueueFault(route, { kind: 'status', status: 401 });
        const put = await server.call('PUT', `/_inference/${taskType}/${id}`, contract.putBody(taskType, mock));
        expect(put.status).toBe(400);
        expect(put.json.error.reason).toBe('Could not complete inference endpoint creation as validation call to service threw an exception.');
        expect(put.json.error.caused_by.reason).toContain(answers(id, 401).reason);
        expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
      });

      test('inference answers from the provider', async () => {
        const id = await create(taskType);
        expectGoodAnswer(taskType, await infer(server, taskType, id));
        expect(mock.requestsTo(route)).toHaveLength(1);
      });

      const final: Array<[number, number]> = [401, 404, ...[502].filter((s) => !retried(taskType).includes(s))].map((s) => [s, answers('', s).status]);
      test.each(final)('a provider %i is answered as %i and not retried', async (providerStatus, status) => {
        const id = await create(taskType);
        mock.enqueueFault(route, { kind: 'status', status: providerStatus });
        const failure = failureOf(await infer(server, taskType, id));
        expect(failure.status).toBe(status);
        expect(failure.reason).toContain(answers(id, providerStatus).reason);
        expect(mock.requestsTo(route)).toHaveLength(1);
      });

      if (retried(taskType).includes(500)) {
        test('a provider 500 is retried and the next answer used', async () => {
          const id = await create(taskType);
          mock.enqueueFault(route, { kind: 'status', status: 500, headers: { 'retry-after': '0' } });
          expectGoodAnswer(taskType, await infer(server, taskType, id));
          expect(mock.requestsTo(route)).toHaveLength(2);
        });

        test(`a persistent 500 stops after three attempts, answered as ${answers('', 500).status}`, async () => {
          const id = await create(taskType);
          for (let i = 0; i < 4; i++) mock.enqueueFault(route, { kind: 'status', status: 500 });
          const failure = failureOf(await infer(server, taskType, id));
          expect(failure.status).toBe(answers(id, 500).status);
          if (contract.failures) expect(failure.reason).toContain(answers(id, 500).reason);
          else expect(failure.reason).toMatch(new RegExp(`^Received a server error status code for request from inference entity id \\[${id}\\] status \\[500\\]`));
          expect(mock.requestsTo(route)).toHaveLength(3);
        });
      } else {
        test("a provider 500 is not retried, as Elasticsearch's handler does not: answered as 400", async () => {
          const id = await create(taskType);
          mock.enqueueFault(route, { kind: 'status', status: 500 });
          const failure = failureOf(await infer(server, taskType, id));
          expect(failure.status).toBe(400);
          expect(failure.reason).toMatch(new RegExp(`^Received a server error status code for request from inference entity id \\[${id}\\] status \\[500\\]`));
          expect(mock.requestsTo(route)).toHaveLength(1);
        });
        if (contract.retriedServerError) {
          test(`a provider ${contract.retriedServerError!(taskType).status} is retried and the next answer used`, async () => {
            const id = await create(taskType);
            mock.enqueueFault(route, { kind: 'status', status: contract.retriedServerError!(taskType).status, headers: { 'retry-after': '0' } });
            expectGoodAnswer(taskType, await infer(server, taskType, id));
            expect(mock.requestsTo(route)).toHaveLength(2);
          });

          test(`a persistent ${contract.retriedServerError!(taskType).status} stops after three attempts, answered as 400`, async () => {
            const { status, prefix } = contract.retriedServerError!(taskType);
            const id = await create(taskType);
            for (let i = 0; i < 4; i++) mock.enqueueFault(route, { kind: 'status', status });
            const failure = failureOf(await infer(server, taskType, id));
            expect(failure.status).toBe(400);
            expect(failure.reason.startsWith(`${prefix} for request from inference entity id [${id}] status [${status}]`)).toBe(true);
            expect(mock.requestsTo(route)).toHaveLength(3);
          });
        }
      }

      test(`a 429 is ${retried(taskType).includes(429) ? '' : 'not '}retried, as Elasticsearch's handler for ${taskType} does`, async () => {
        const id = await create(taskType);
        mock.enqueueFault(route, { kind: 'status', status: 429 });
        const response = await infer(server, taskType, id);
        if (retried(taskType).includes(429)) {
          expectGoodAnswer(taskType, response);
          expect(mock.requestsTo(route)).toHaveLength(2);
        } else {
          expect(failureOf(response).status).toBe(429);
          expect(mock.requestsTo(route)).toHaveLength(1);
        }
      });

      if (taskType !== 'chat_completion') {
        const { attempts, reason } = failures.unreadable;
        test(`an unreadable answer is asked for ${attempts} time(s), then a 500`, async () => {
          const id = await create(taskType);
          for (let i = 0; i < 3; i++) mock.enqueueFault(route, { kind: 'malformed' });
          const response = (await infer(server, taskType, id)) as TestResponse;
          expect(response.status).toBe(500);
          expect(response.json.error.reason).toMatch(reason);
          expect(mock.requestsTo(route)).toHaveLength(attempts);
        });
      }

      test('a provider that never answers: 408 at the timeout, and the upstream request is aborted', async () => {
        const id = await create(taskType);
        mock.enqueueFault(route, { kind: 'hang' });
        const failure = failureOf(await infer(server, taskType, id, '?timeout=300ms'));
        expect(failure).toEqual({ status: 408, reason: 'Request timed out after [300ms]' });
        await mock.waitForAbortedRequests(1);
      });

      const streamed = STREAMED_ROUTE[taskType];
      if (streamed && contract.streams === false) {
        test('its stream route is refused, as Elasticsearch refuses it: 405 and no provider call', async () => {
          const id = await create(taskType);
          const response = await postRaw(server, streamed(id), streamBody(taskType));
          expect(response.status).toBe(405);
          expect(mock.requests).toHaveLength(0);
        });
      } else if (streamed) {
        test('its stream: Elasticsearch framing, then [DONE]', async () => {
          const id = await create(taskType);
          const response = await postRaw(server, streamed(id), streamBody(taskType));
          expectEventStream(response, 200);
          expectGoodStream(response);
        });

        test('a provider error before the first event: its status and one error frame', async () => {
          const id = await create(taskType);
          mock.enqueueFault(route, { kind: 'status', status: 401 });
          const response = await postRaw(server, streamed(id), streamBody(taskType));
          expectEventStream(response, answers(id, 401).status);
          expect(JSON.stringify(onlyErrorFrame(response))).toContain(answers(id, 401).reason);
        });

        test('a connection dropped mid-stream: an error event and no [DONE]', async () => {
          const id = await create(taskType);
          mock.enqueueFault(route, { kind: 'streamThenDrop', chunks: 2 });
          mock.frameDelayMs = 20; // the events reach the server before the connection drops
          const response = await postRaw(server, streamed(id), streamBody(taskType));
          expectEventStream(response, 200);
          const frames = framesOf(response.text);
          expect(frames.at(-1)!.event).toBe('error');
          expect(frames.at(-1)!.data).toContain(id);
          expect(response.text.endsWith(DONE_FRAME)).toBe(false);
        });

        test('a client that goes away cancels the upstream request', async () => {
          const id = await create(taskType);
          mock.enqueueFault(route, { kind: 'streamThenSilence', chunks: 1 });
          const controller = new AbortController();
          const response = await fetch(server.url + streamed(id), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(streamBody(taskType)),
            signal: controller.signal,
          });
          const reader = response.body!.getReader();
          await reader.read();
          controller.abort();
          await mock.waitForAbortedRequests(1);
        });
      }
    });

    if (contract.rateLimited !== false) test('requests wait for the rate limit; one still waiting at its timeout gets 429', async () => {
      const limited = await startTestServer({ upstreamOrigins: { ...contract.authOrigins?.(mock), [service]: mock.url }, rateLimitIntervalMs: 60_000, skipValidation: true });
      try {
        const [taskType] = contract.taskTypes;
        const id = newId(service, taskType);
        const body = contract.putBody(taskType, mock);
        const settings = { ...(body.service_settings as object), rate_limit: { requests_per_minute: 1 } };
        expect((await limited.call('PUT', `/_inference/${taskType}/${id}`, { ...body, service_settings: settings })).status).toBe(200);
        expectGoodAnswer(taskType, await infer(limited, taskType, id));
        expect(failureOf(await infer(limited, taskType, id, '?timeout=200ms'))).toEqual({
          status: 429,
          reason: `Request timed out after [200ms] for inference id [${id}]`,
        });
        expect(mock.requestsTo(contract.route(taskType))).toHaveLength(1);
      } finally {
        await limited.stop();
      }
    });

    test('an unreachable provider: a 400 naming the endpoint, not a hang or a 500', async () => {
      const unreachable = await startTestServer({ upstreamOrigins: { ...contract.authOrigins?.(mock), [service]: `http://127.0.0.1:${await closedPort()}` } });
      try {
        const [taskType] = contract.taskTypes;
        const id = newId(service, taskType);
        const put = await unreachable.call('PUT', `/_inference/${taskType}/${id}`, contract.putBody(taskType, mock));
        expect(put.status).toBe(400);
        expect(put.json.error.caused_by.reason).toContain(`inference entity id [${id}]`);
      } finally {
        await unreachable.stop();
      }
    });

    test('no secret, nor any piece of one, left the server in an answer or a log line', () => {
      expect(server.bodies.length).toBeGreaterThan(10);
      expectNoSecretLeft(server, contract.secrets);
    });
  });
}
