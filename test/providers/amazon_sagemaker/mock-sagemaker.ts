/**
 * SageMaker Runtime (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html) at
 * `POST /endpoints/{name}/invocations` and `/invocations-response-stream`: every request's SigV4 signature checked
 * (aws-sigv4.ts), REST-JSON errors (`x-amzn-ErrorType`, `{"message"}`; ModelError with the container's
 * OriginalStatusCode and OriginalMessage), and the response stream as event-stream PayloadPart messages, ended by a
 * ModelStreamError exception on a stream fault. Behind it, endpoints named `<api>-<task>` (`openai-completion`,
 * `elastic-text-embedding`, ...) answer as a container of that api would.
 */
import { randomUUID } from 'node:crypto';
import { awsBytesEvent, awsException } from '../../support/mock-provider/aws-event-stream';
import { sigV4Refusal, type AwsSigningKey } from '../../support/mock-provider/aws-sigv4';
import { MockProvider, send, sendJson, type Exchange, type JsonObject, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { containerAnswer, streamParts, type ElementType } from './sagemaker-containers';

export const SAGEMAKER_KEY: AwsSigningKey = {
  accessKeyId: 'AKIAQ3EGVP7NXKWMB2TZ',
  secretAccessKey: 'p8Qz2Lk5Wv9Rb3Nk7Jh1Pd4Fg6Sy0CaXt+Mn/Ue',
  region: 'us-east-1',
  service: 'sagemaker',
};

const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ['ValidationError', 'Endpoint my-endpoint of account 123456789012 not found.'],
  // AWS answers no 401: a key it does not know is this 403, which the SDK reads by its type.
  401: ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
  403: ['AccessDeniedException', 'User: arn:aws:iam::123456789012:user/infergate is not authorized to perform: sagemaker:InvokeEndpoint'],
  404: ['UnknownOperationException', 'The operation is not supported.'],
  424: ['ModelError', 'Received client error (400) from primary with message "invalid input". See the endpoint logs for more information.'],
  429: ['ThrottlingException', 'Rate exceeded'],
  500: ['InternalFailure', 'An internal failure occurred. Try your request again.'],
  503: ['ServiceUnavailable', 'The service is unavailable. Try your request again.'],
};

const typeHeader = (type: string) => ({ 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.sagemaker/`, 'x-amzn-requestid': randomUUID() });

function errorOf(status: number): [string, string] {
  return ERROR_TYPES[status] ?? ['InternalFailure', `Unexpected status ${status}`];
}

/** AWS's refusal or the container's error, as SageMaker Runtime answers it. */
export function sendAwsError(exchange: Exchange, status: number, type: string, message: string, extra: JsonObject = {}): void {
  sendJson(exchange.res, status, { message, ...extra }, typeHeader(type));
}

export function sendModelError(exchange: Exchange, originalStatus: number, originalMessage: string): void {
  sendAwsError(exchange, 424, 'ModelError', `Received client error (${originalStatus}) from primary with message "${originalMessage}". See the endpoint logs for more information.`, {
    OriginalStatusCode: originalStatus,
    OriginalMessage: originalMessage,
    LogStreamArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/my-endpoint',
  });
}

const wire: MockWire = {
  errorBody: (status): JsonObject => {
    const [type, message] = errorOf(status);
    return type === 'ModelError' ? { message, OriginalStatusCode: 400, OriginalMessage: 'invalid input' } : { message };
  },
  errorHeaders: (status) => typeHeader(errorOf(status)[0]),
  streamErrorFrame: (message) => awsException('ModelStreamError', message),
  unknownRoute: () => ({ status: 404, body: { message: 'Not Found' } }),
};

export class MockSageMaker extends MockProvider {
  /** How the `elastic` text embedding container answers (restored by `reset()`). */
  elementType: ElementType = 'float';
  dimensions = 16;

  override reset(): void {
    super.reset();
    this.elementType = 'float';
    this.dimensions = 16;
  }
}

/** `/endpoints/<api>-<task>/...` → the api and the task type (`text-embedding` → `text_embedding`). */
function containerOf(path: string): { api: string; task: string } | undefined {
  const match = /^\/endpoints\/([a-z]+)-([a-z-]+)\/invocations(?:-response-stream)?$/.exec(path);
  return match ? { api: match[1], task: match[2].replace(/-/g, '_') } : undefined;
}

function authorized(exchange: Exchange): boolean {
  const refusal = sigV4Refusal(exchange.req, exchange.recorded.rawBody, SAGEMAKER_KEY);
  if (refusal) sendAwsError(exchange, refusal.status, refusal.errorType, refusal.message);
  return !refusal;
}

/** Both operations on one route (faults apply to whichever comes next, as a completion uses both). */
function invocations(mock: MockSageMaker): MockRoute {
  return {
    name: 'invocations',
    takesSteps: true,
    matches: (method, path) => method === 'POST' && /^\/endpoints\/[^/]+\/invocations(?:-response-stream)?$/.test(path),
    wrongShape: { unexpected: true },
    async handle(exchange) {
      if (!authorized(exchange)) return;
      const { path, body } = exchange.recorded;
      const container = containerOf(path);
      if (!container) return sendAwsError(exchange, 400, 'ValidationError', `Endpoint ${path.split('/')[2]} of account 123456789012 not found.`);
      if (path.endsWith('-response-stream')) {
        const parts = streamParts(container, body);
        if ('refused' in parts) return sendModelError(exchange, 400, parts.refused);
        const frames = parts.parts.map((part) => awsBytesEvent('PayloadPart', part));
        const keptByFault = container.api === 'openai' ? (events: number) => events * 2 : undefined;
        return mock.writeStream(exchange, frames, { contentType: 'application/vnd.amazon.eventstream', keptByFault });
      }
      const answer = containerAnswer(container, body, mock);
      if ('refused' in answer) return sendModelError(exchange, 400, answer.refused);
      send(exchange.res, 200, JSON.stringify(answer.body), { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': 'AllTraffic' });
    },
  };
}

export async function startMockSageMaker(): Promise<MockSageMaker> {
  const routes: MockRoute[] = [];
  const mock = new MockSageMaker('amazon_sagemaker', routes, wire);
  routes.push(invocations(mock));
  return mock.listen();
}
