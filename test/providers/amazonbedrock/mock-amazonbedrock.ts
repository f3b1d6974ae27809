/**
 * Bedrock Runtime (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Amazon_Bedrock_Runtime.html)
 * at `POST /model/{modelId}/invoke`, `/converse` and `/converse-stream`: every request's SigV4 signature checked
 * independently (test/support/mock-provider/aws-sigv4.ts), REST-JSON errors (`x-amzn-ErrorType` and
 * `{"message"}`), Titan's and Cohere's embedding bodies, Converse's alternating turns, and ConverseStream as
 * `application/vnd.amazon.eventstream` messages with its exceptions mid-stream.
 */
import { randomUUID } from 'node:crypto';
import { awsException } from '../../support/mock-provider/aws-event-stream';
import { sigV4Refusal, type AwsSigningKey } from '../../support/mock-provider/aws-sigv4';
import { MockProvider, send, type Exchange, type JsonObject, type JsonValue, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { cohereAnswer, converseAnswer, streamMessages, titanAnswer, type ToolCall } from './bedrock-bodies';

export const BEDROCK_KEY: AwsSigningKey = {
  accessKeyId: 'AKIAZ7QX3EXAMPLE4MBR',
  secretAccessKey: 'q8Vt2LmN5xR9bK3jH1pD4fG6sY0cAwE7uI2oZ9XkPx',
  region: 'us-east-1',
  service: 'bedrock',
};

const EXCEPTIONS: Record<number, [string, string]> = {
  400: ['ValidationException', 'The provided model identifier is invalid.'],
  401: ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
  403: ['AccessDeniedException', "You don't have access to the model with the specified model ID."],
  404: ['ResourceNotFoundException', 'Could not resolve the foundation model from the provided model identifier.'],
  408: ['ModelTimeoutException', 'Model has timed out in processing the request. Try your request again.'],
  424: ['ModelErrorException', 'The model returned an error. Try your request again.'],
  429: ['ThrottlingException', 'Too many requests, please wait before trying again.'],
  500: ['InternalServerException', 'The server encountered an internal error while processing the request.'],
  503: ['ServiceUnavailableException', 'Bedrock is unable to process your request.'],
};

const exceptionOf = (status: number): [string, string] => EXCEPTIONS[status] ?? (status >= 500 ? EXCEPTIONS[500] : EXCEPTIONS[400]);

/** AWS's REST-JSON error: the exception in a header, its message in the body. */
function sendError(exchange: Exchange, status: number, type: string, message: string): void {
  send(exchange.res, status, JSON.stringify({ message }), errorHeaders(type));
}

const errorHeaders = (type: string): Record<string, string> => ({
  'content-type': 'application/json',
  'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
  'x-amzn-requestid': randomUUID(),
});

export class MockBedrock extends MockProvider {
  /** Titan v2's default vector length; Cohere's is 1024 too (restored by `reset()`). */
  dimensions = 1024;

  override reset(): void {
    super.reset();
    this.dimensions = 1024;
  }
}

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: JsonValue | undefined): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const MODEL_PATH = /^\/model\/([^/]+)\/(invoke|converse|converse-stream)$/;
const KNOWN_MODEL = /^(amazon|anthropic|ai21|cohere|meta|mistral|us|eu|apac)\.[A-Za-z0-9.:_-]+$|^arn:aws:bedrock:/;

/** The signature, the model and a JSON object body; answers the refusal itself. */
function accept(exchange: Exchange): { model: string; body: JsonObject } | undefined {
  const refusal = sigV4Refusal(exchange.req, exchange.recorded.rawBody, BEDROCK_KEY);
  if (refusal) return void sendError(exchange, refusal.status, refusal.errorType, refusal.message);
  const model = decodeURIComponent(MODEL_PATH.exec(exchange.recorded.path)![1]);
  if (!KNOWN_MODEL.test(model)) return void sendError(exchange, 400, 'ValidationException', 'The provided model identifier is invalid.');
  const body = exchange.recorded.body;
  if (!isObject(body)) return void sendError(exchange, 400, 'ValidationException', 'Malformed input request, please reformat your input and try again.');
  return { model, body };
}

const route = (name: string, operations: string[], handle: (exchange: Exchange, model: string, body: JsonObject) => void | Promise<void>, extra: Partial<MockRoute> = {}): MockRoute => ({
  name,
  matches: (method, path) => method === 'POST' && operations.includes(MODEL_PATH.exec(path)?.[2] ?? ''),
  wrongShape: { metrics: { latencyMs: 5 } },
  handle(exchange) {
    const accepted = accept(exchange);
    if (accepted) return handle(exchange, accepted.model, accepted.body);
  },
  ...extra,
});

const invalid = (exchange: Exchange, detail: string) => sendError(exchange, 400, 'ValidationException', `Malformed input request: ${detail}, please reformat your input and try again.`);

function invokeRoute(mock: MockBedrock): MockRoute {
  return route('invoke', ['invoke'], (exchange, model, body) => {
    if (model.startsWith('cohere.')) {
      const { texts, input_type: inputType, truncate } = body;
      if (!strings(texts) || texts.length === 0 || texts.length > 96) return invalid(exchange, '#/texts: expected between 1 and 96 strings');
      if (!['search_document', 'search_query', 'classification', 'clustering'].includes(String(inputType))) return invalid(exchange, '#/input_type: invalid value');
      if (truncate !== undefined && !['NONE', 'START', 'END'].includes(String(truncate))) return invalid(exchange, '#/truncate: invalid value');
      return send(exchange.res, 200, JSON.stringify(cohereAnswer(texts, mock.dimensions)), { 'content-type': 'application/json' });
    }
    const { inputText, dimensions, ...rest } = body;
    if (typeof inputText !== 'string') return invalid(exchange, '#: required key [inputText] not found');
    if (dimensions !== undefined && ![256, 512, 1024].includes(Number(dimensions))) return invalid(exchange, '#/dimensions: must be one of [256, 512, 1024]');
    const extra = Object.keys(rest).filter((key) => key !== 'normalize');
    if (extra.length > 0) return invalid(exchange, `#: extraneous key [${extra[0]}] is not permitted`);
    const size = typeof dimensions === 'number' ? dimensions : mock.dimensions;
    send(exchange.res, 200, JSON.stringify(titanAnswer(inputText, size)), { 'content-type': 'application/json' });
  });
}

/** The last user text of a Converse body, or Bedrock's refusal of its messages. */
function conversation(body: JsonObject): { said: string } | { refusal: string } {
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length === 0) return { refusal: 'The model returned the following errors: messages: at least one message is required' };
  let said = '';
  for (const [index, message] of messages.entries()) {
    if (!isObject(message) || !Array.isArray(message.content) || (message.role !== 'user' && message.role !== 'assistant')) {
      return { refusal: `Malformed input request: #/messages/${index}: expected a message with a role and content` };
    }
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) {
      return { refusal: 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.' };
    }
    const texts = message.content.flatMap((block) => (isObject(block) && typeof block.text === 'string' ? [block.text] : []));
    if (message.role === 'user') said = texts.join(' ') || said;
  }
  const config = body.inferenceConfig;
  if (config !== undefined && !isObject(config)) return { refusal: 'Malformed input request: #/inferenceConfig: expected an object' };
  return { said };
}

function replyOf(exchange: Exchange, body: JsonObject, said: string): string | ToolCall {
  const tools = isObject(body.toolConfig) && Array.isArray(body.toolConfig.tools) ? body.toolConfig.tools : [];
  const step = exchange.step;
  if (step?.kind === 'toolCall' && tools.length > 0) {
    const first = tools[0] as JsonObject;
    const name = step.name ?? String((first.toolSpec as JsonObject).name);
    return { toolUseId: `tooluse_${randomUUID().slice(0, 8)}`, name, input: JSON.parse(step.arguments ?? '{"location":"Paris"}') as JsonObject };
  }
  return step?.kind === 'reply' ? step.text : `Echo: ${said}`;
}

/** Converse and ConverseStream: one route, so that a fault queued for `converse` meets either. */
function converseRoute(mock: MockBedrock): MockRoute {
  return route(
    'converse',
    ['converse', 'converse-stream'],
    (exchange, _model, body) => {
      const read = conversation(body);
      if ('refusal' in read) return sendError(exchange, 400, 'ValidationException', read.refusal);
      const reply = replyOf(exchange, body, read.said);
      if (exchange.recorded.path.endsWith('/converse')) return send(exchange.res, 200, JSON.stringify(converseAnswer(read.said, reply)), { 'content-type': 'application/json' });
      const { frames, before } = streamMessages(read.said, reply);
      return mock.writeStream(exchange, frames, { contentType: 'application/vnd.amazon.eventstream', keptByFault: (chunks) => before + chunks });
    },
    { takesSteps: true },
  );
}

const wire: MockWire = {
  errorBody: (status) => ({ message: exceptionOf(status)[1] }),
  errorHeaders: (status) => errorHeaders(exceptionOf(status)[0]),
  streamErrorFrame: (message) => awsException('modelStreamErrorException', message),
  unknownRoute: () => ({ status: 404, body: { message: 'Unknown operation' } }),
};

export function startMockBedrock(): Promise<MockBedrock> {
  const routes: MockRoute[] = [];
  const mock = new MockBedrock('amazonbedrock', routes, wire);
  routes.push(invokeRoute(mock), converseRoute(mock));
  return mock.listen();
}
