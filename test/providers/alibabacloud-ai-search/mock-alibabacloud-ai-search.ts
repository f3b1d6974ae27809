/** AlibabaCloud AI Search's API (https://help.aliyun.com/zh/open-search/search-platform/developer-reference/):
 * `POST /v3/openapi/workspaces/<workspace>/<text-embedding|text-sparse-embedding|ranker|text-generation>/<service_id>`
 * with Bearer keys, answers `{"request_id","latency","usage","result":{...}}`, and errors
 * `{"request_id","latency","code","message"}`. */
import { randomUUID } from 'node:crypto';
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';

export const ALIBABA_API_KEY = 'OS-k9Xq2Vb7Nm4Lp1Zr8Tw3Yc6Hd0Fs5Ja';
export const DIMENSIONS = 24;

const PATH = /^\/v3\/openapi\/workspaces\/([^/]+)\/(text-embedding|text-sparse-embedding|ranker|text-generation)\/([^/]+)$/;

export const errorBody = (code: string, message: string): JsonObject => ({ request_id: randomUUID().toUpperCase(), latency: 0, code, message });

const answer = (result: JsonValue, usage: JsonObject): JsonObject => ({ request_id: randomUUID().toUpperCase(), latency: 12, usage, result });

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);

/** A deterministic sparse vector: one token per distinct word, ids from the word's letters. */
function sparse(text: string, returnToken: boolean): JsonValue[] {
  return [...new Set(words(text))].map((word) => ({
    token_id: [...word].reduce((sum, ch) => (sum * 31 + ch.charCodeAt(0)) % 250_000, 7),
    weight: Math.round((0.05 + word.length / 20) * 1e4) / 1e4,
    ...(returnToken ? { token: word } : {}),
  }));
}

function serve(exchange: Exchange, task: string): void {
  const { req, res, recorded } = exchange;
  if (req.headers.authorization !== `Bearer ${ALIBABA_API_KEY}`) return sendJson(res, 401, errorBody('InvalidApiKey', 'Invalid api key'));
  const body = recorded.body;
  if (!isObject(body)) return sendJson(res, 400, errorBody('InvalidParameter', 'JSON parse error: request body is missing'));
  switch (task) {
    case 'text-embedding':
    case 'text-sparse-embedding': {
      const { input, input_type: inputType, return_token: returnToken } = body;
      if (!Array.isArray(input)) return sendJson(res, 400, errorBody('InvalidParameter', 'input is required'));
      if (input.length > 32) return sendJson(res, 400, errorBody('InvalidParameter', 'The number of input texts exceeds 32'));
      if (inputType !== undefined && inputType !== 'document' && inputType !== 'query') {
        return sendJson(res, 400, errorBody('InvalidParameter', `JSON parse error: Cannot deserialize value of type \`InputType\` from String "${String(inputType)}"`));
      }
      const texts = input.map(String);
      if (task === 'text-embedding') {
        return sendJson(res, 200, answer({ embeddings: texts.map((text, index) => ({ index, embedding: embeddingFor(text, DIMENSIONS) })) }, { token_count: texts.length * 3 }));
      }
      return sendJson(res, 200, answer({ sparse_embeddings: texts.map((text, index) => ({ index, embedding: sparse(text, returnToken === true) })) }, { token_count: texts.length * 3 }));
    }
    case 'ranker': {
      const { query, docs } = body;
      if (typeof query !== 'string' || !Array.isArray(docs)) return sendJson(res, 400, errorBody('InvalidParameter', 'query and docs are required'));
      const asked = new Set(words(query));
      const scores = docs
        .map((doc, index) => ({ index, score: Math.round((words(String(doc)).filter((word) => asked.has(word)).length - 0.5) * 1e3) / 1e3 }))
        .sort((a, b) => b.score - a.score);
      return sendJson(res, 200, answer({ scores }, { doc_count: docs.length }));
    }
    default: {
      const messages = body.messages;
      if (!Array.isArray(messages) || messages.length === 0) return sendJson(res, 400, errorBody('InvalidParameter', 'messages is required'));
      const last = messages.at(-1) as JsonObject;
      return sendJson(res, 200, answer({ text: `Echo: ${String(last.content)}` }, { output_tokens: 3, input_tokens: 5, total_tokens: 8 }));
    }
  }
}

const ROUTES: Record<string, string> = { embeddings: 'text-embedding', sparse: 'text-sparse-embedding', rerank: 'ranker', completion: 'text-generation' };

function route(name: string, task: string): MockRoute {
  return {
    name,
    matches: (method, path) => method === 'POST' && PATH.exec(path)?.[2] === task,
    wrongShape: { request_id: 'B4AB89C8-B135-0000-A6F8-2BAB801A2CE4', latency: 3, usage: {}, result: {} },
    handle: (exchange) => serve(exchange, task),
  };
}

export function startMockAlibaba(): Promise<MockProvider> {
  return new MockProvider('alibabacloud-ai-search', Object.entries(ROUTES).map(([name, task]) => route(name, task)), {
    errorBody: (status) =>
      status === 401
        ? errorBody('InvalidApiKey', 'Invalid api key')
        : status === 404
          ? errorBody('ServiceNotFound', 'The service does not exist')
          : status === 429
            ? errorBody('Throttling.User', 'Request was denied due to user flow control')
            : errorBody('InternalServerError', `Error ${status}`),
    streamErrorFrame: () => '',
    unknownRoute: () => ({ status: 404, body: errorBody('NotFound', 'Not found') }),
  }).listen();
}
