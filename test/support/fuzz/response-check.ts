/** Whether an answer is one the spec documents: a declared status (or `default`), a declared content type, and a
 * body (or every event of a stream) valid against the schema given for it. */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FuzzOperation } from './requests';

type Json = Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function check(schema: Json, data: unknown): string | undefined {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(data) ? undefined : ajv.errorsText(validate.errors);
}

const FRAME = /^\uFEFFevent: (message|error)\ndata: ([^\n]*)$/;

function checkStream(content: Json, status: number, text: string): string | undefined {
  if (!text.endsWith('\n\n')) return 'event stream does not end with a blank line';
  for (const raw of text.slice(0, -2).split('\n\n')) {
    const frame = FRAME.exec(raw);
    if (!frame) return `not an SSE frame: ${JSON.stringify(raw.slice(0, 200))}`;
    if (frame[2] === '[DONE]') continue;
    const key = frame[1] === 'error' && status === 200 ? 'x-infergate-error-event-schema' : 'x-infergate-event-schema';
    const schema = content[key] as Json | undefined;
    if (!schema) return `no ${key} for an ${frame[1]} event`;
    let data: unknown;
    try {
      data = JSON.parse(frame[2]);
    } catch {
      return `event data is not JSON: ${frame[2].slice(0, 200)}`;
    }
    const problem = check(schema, data);
    if (problem) return `${frame[1]} event ${frame[2].slice(0, 300)}: ${problem}`;
  }
  return undefined;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** undefined when the answer is documented; otherwise what is wrong with it. */
export function undocumented(operation: FuzzOperation | undefined, fallbackError: Json, method: string, answer: Answer): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}`;
  const response = operation ? (operation.responses[String(answer.status)] ?? operation.responses.default) : { content: { 'application/json': { schema: fallbackError } } };
  if (!response) return `status ${answer.status} is not documented`;
  if (method === 'HEAD') return undefined;
  const mediaType = answer.contentType.split(';')[0].trim();
  const content = response.content?.[mediaType];
  if (!content) return `content type [${mediaType}] is not documented for status ${answer.status}`;
  if (mediaType === 'text/event-stream') return checkStream(content, answer.status, answer.text);
  // A text answer (the docs page, the YAML document, the metrics) is checked as the string it is.
  if (!mediaType.endsWith('json')) {
    const problem = check(content.schema as Json, answer.text);
    return problem ? `body ${answer.text.slice(0, 300)}: ${problem}` : undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(answer.text);
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  const problem = check(content.schema as Json, data);
  return problem ? `body ${answer.text.slice(0, 300)}: ${problem}` : undefined;
}
