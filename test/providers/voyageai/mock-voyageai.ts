/** Voyage AI's API (https://docs.voyageai.com/reference): `POST /v1/embeddings` (its `input_type`, `truncation`,
 * `output_dimension`, `output_dtype`) and `POST /v1/rerank` (`top_k`, `return_documents`), Bearer keys, and its
 * FastAPI error bodies `{"detail": "<text>"}`. */
import { MockProvider, sendJson, type Exchange, type JsonObject, type MockRoute } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import { bearerToken } from '../../support/mock-provider/openai-errors';
import { isObject } from '../../support/mock-provider/openai-routes';
import { detail, detailForStatus, fastApiWire } from '../../support/mock-provider/fastapi-errors';
import { packBits, toInt8 } from '../../support/mock-provider/packed-vectors';

export const VOYAGE_API_KEY = 'pa-Zk4mQ9vT2xL7rW3nB8cY1dF6gH0jK5sA-mock';
/** Voyage's most inputs of one embeddings request. */
export const MAX_INPUTS = 1000;
const DEFAULT_DIMENSIONS = 1024;
const DIMENSIONS = [256, 512, 1024, 2048];
const DTYPES = ['float', 'int8', 'uint8', 'binary', 'ubinary'];

const statusDetail = detailForStatus({
  401: 'Provided API key is invalid.',
  429: 'Request to model was rate limited. Please try again later.',
  402: 'You have not yet added your payment method in the billing page.',
});

const wire = fastApiWire(statusDetail);

/** The body of an authorised JSON request, or undefined once refused. */
function accept(exchange: Exchange): JsonObject | undefined {
  if (bearerToken(exchange.req.headers.authorization) !== VOYAGE_API_KEY) return void sendJson(exchange.res, 401, statusDetail(401));
  const body = exchange.recorded.body;
  if (!isObject(body) || typeof body.model !== 'string') return void sendJson(exchange.res, 400, detail("Argument 'model' is required."));
  return body;
}

function embeddingsRoute(): MockRoute {
  return {
    name: 'embeddings',
    matches: (method, path) => method === 'POST' && path === '/v1/embeddings',
    wrongShape: { object: 'list', model: 'voyage-3', usage: { total_tokens: 1 } },
    handle(exchange) {
      const body = accept(exchange);
      if (!body) return;
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!Array.isArray(input) || input.length === 0 || !input.every((text) => typeof text === 'string')) {
        return sendJson(exchange.res, 400, detail("Argument 'input' must be a string or a non-empty list of strings."));
      }
      if (input.length > MAX_INPUTS) return sendJson(exchange.res, 400, detail(`The batch size limit is ${MAX_INPUTS}. Your batch size is ${input.length}.`));
      const { output_dimension: dimension, output_dtype: dtype = 'float', input_type: inputType = null } = body;
      if (inputType !== null && inputType !== 'query' && inputType !== 'document') {
        return sendJson(exchange.res, 400, detail(`Value '${String(inputType)}' supplied for argument 'input_type' is not valid.`));
      }
      if (dimension !== undefined && dimension !== null && !DIMENSIONS.includes(dimension as number)) {
        return sendJson(exchange.res, 400, detail(`Value '${String(dimension)}' supplied for argument 'output_dimension' is not valid.`));
      }
      if (typeof dtype !== 'string' || !DTYPES.includes(dtype)) {
        return sendJson(exchange.res, 400, detail(`Value '${String(dtype)}' supplied for argument 'output_dtype' is not valid.`));
      }
      const length = typeof dimension === 'number' ? dimension : DEFAULT_DIMENSIONS;
      const data = (input as string[]).map((text, index) => {
        const vector = embeddingFor(`${String(inputType)}:${text}`, length);
        const embedding = dtype === 'int8' ? toInt8(vector) : dtype === 'binary' ? packBits(vector) : vector;
        return { object: 'embedding', embedding, index };
      });
      sendJson(exchange.res, 200, { object: 'list', data, model: body.model, usage: { total_tokens: input.length * 3 } });
    },
  };
}

/** A deterministic relevance in [0, 1): the share of the query's words the document holds. */
function relevance(query: string, document: string): number {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const held = new Set(document.toLowerCase().split(/\W+/).filter((word) => words.has(word)));
  return words.size === 0 ? 0 : (held.size / words.size) * 0.875;
}

function rerankRoute(): MockRoute {
  return {
    name: 'rerank',
    matches: (method, path) => method === 'POST' && path === '/v1/rerank',
    wrongShape: { object: 'list', model: 'rerank-2', usage: { total_tokens: 1 } },
    handle(exchange) {
      const body = accept(exchange);
      if (!body) return;
      const { query, documents, top_k: topK, return_documents: returnDocuments } = body;
      if (typeof query !== 'string' || !Array.isArray(documents) || !documents.every((d) => typeof d === 'string')) {
        return sendJson(exchange.res, 400, detail("Arguments 'query' and 'documents' are required."));
      }
      const ranked = (documents as string[])
        .map((document, index) => ({ relevance_score: relevance(query, document), index, ...(returnDocuments === true ? { document } : {}) }))
        .sort((a, b) => b.relevance_score - a.relevance_score);
      const data = typeof topK === 'number' ? ranked.slice(0, topK) : ranked;
      sendJson(exchange.res, 200, { object: 'list', data, model: body.model, usage: { total_tokens: 26 } });
    },
  };
}

export function startMockVoyageAi(): Promise<MockProvider> {
  return new MockProvider('voyageai', [embeddingsRoute(), rerankRoute()], wire).listen();
}
