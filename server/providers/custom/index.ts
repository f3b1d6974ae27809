/**
 * The `custom` service (reference §8.24): text_embedding, sparse_embedding, rerank and completion on any HTTP API the
 * user describes — the request as templates (request.ts, template.ts), the answer as JSON paths (parsers.ts). As
 * Elasticsearch's CustomService: the templates are tried at PUT with stand-in values, the provider's whole error
 * body is its message, and the request's task parameters are merged key by key over the stored ones.
 */
import { z } from 'zod';
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { wholeBodyErrorDetails } from '../kit/error-details';
import { RawBody } from '../kit/http-transport';
import { ProviderClient, type RequestOptions } from '../kit/provider-client';
import { failedToSendTask } from '../kit/provider-error';
import { openAiStatusPolicy } from '../kit/status-policy';
import type { InferenceProvider, ProviderDependencies, TextEmbeddingResult } from '../types';
import { PathError } from './json-path';
import { parseCompletion, parseRerank, parseSparseEmbeddings, parseTextEmbeddings, type EmbeddingType, type RerankPaths } from './parsers';
import { buildRequest, inputTypeValue, type CustomSettings, type Parameters } from './request';
import { UnknownPlaceholderError } from './template';
import { checkEndpoint, checkParameterKeys, type JsonParser } from './validate';

const DEFAULT_BATCH_SIZE = 10;
const failedToSend = failedToSendTask('Custom');
const anyJson = z.unknown().describe('a JSON answer');

const settingsOf = (context: CallContext) => context.endpoint.serviceSettings as unknown as CustomSettings & { response: { json_parser: JsonParser } };
const secretsOf = (context: CallContext) => (context.endpoint.secrets.secret_parameters ?? {}) as Parameters;

/** CustomTaskSettings.of: the request's parameters merged over the stored ones, key by key. */
function parametersOf(context: CallContext): Parameters {
  const stored = (context.endpoint.taskSettings.parameters ?? {}) as Parameters;
  const requested = (context.taskSettings.parameters ?? {}) as Parameters;
  const merged = Object.fromEntries(Object.entries({ ...stored, ...requested }).filter(([, value]) => value !== null));
  checkParameterKeys(merged, secretsOf(context));
  return merged;
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'custom', headers: () => ({}), errorDetails: wholeBodyErrorDetails('custom_error') });

  async function call(context: CallContext, callValues: Record<string, unknown>): Promise<{ answer: unknown; options: RequestOptions }> {
    let request;
    try {
      request = buildRequest(settingsOf(context), secretsOf(context), parametersOf(context), callValues);
    } catch (error) {
      if (error instanceof UnknownPlaceholderError) throw badRequest(error.message);
      throw error;
    }
    const options: RequestOptions = {
      name: 'Custom',
      failedToSend: failedToSend(context, context.endpoint.taskType),
      policy: openAiStatusPolicy,
      headers: request.headers,
      contentType: request.contentType,
    };
    const answer = await client.postJson(context, request.url, new RawBody(request.body), anyJson, options);
    return { answer, options };
  }

  function read<T>(context: CallContext, options: RequestOptions, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof PathError) throw client.unreadable(context, options, error.message);
      throw error;
    }
  }

  return {
    validationInputType: () => undefined,
    // CustomServiceIntegrationValidator: top_n and return_documents given, for templates that use them.
    rerankValidation: { input: ['how big'], query: 'test query', topN: 1, returnDocuments: true },
    // CustomServiceSettings has no dimensionsSetByUser: the returned size wins over a user's.
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: false },

    async prepareEndpoint(context) {
      checkEndpoint(context.endpoint.taskType, settingsOf(context), secretsOf(context), parametersOf(context));
      const { headers, ...rest } = context.endpoint.serviceSettings;
      if (!headers) return rest;
      // removeNullValues: a header set to null is not stored.
      return { ...rest, headers: Object.fromEntries(Object.entries(headers as Record<string, unknown>).filter(([, value]) => value !== null)) };
    },

    async textEmbedding(context, { input, inputType }) {
      const settings = settingsOf(context);
      const parser = settings.response.json_parser;
      const embeddingType = (parser.embedding_type ?? 'float') as EmbeddingType;
      const vectors = await client.batches({
        context,
        items: input,
        size: settings.batch_size ?? DEFAULT_BATCH_SIZE,
        kind: 'custom text embedding',
        parameters: inputType,
        async send(shared, batch) {
          const { answer, options } = await call(shared, { input: batch, input_type: inputTypeValue(settings, inputType) });
          const result = read(shared, options, () => parseTextEmbeddings(answer, parser.text_embeddings!, embeddingType));
          const embeddings = result.text_embedding ?? result.text_embedding_bytes ?? result.text_embedding_bits ?? [];
          if (embeddings.length !== batch.length) {
            throw client.unreadable(shared, options, `expected [${batch.length}] embeddings but the response had [${embeddings.length}]`);
          }
          return embeddings;
        },
      });
      const key = embeddingType === 'float' ? 'text_embedding' : embeddingType === 'byte' ? 'text_embedding_bytes' : 'text_embedding_bits';
      return { [key]: vectors } as TextEmbeddingResult;
    },

    async sparseEmbedding(context, { input, inputType }) {
      const settings = settingsOf(context);
      const parser = settings.response.json_parser;
      const results = await client.batches({
        context,
        items: input,
        size: settings.batch_size ?? DEFAULT_BATCH_SIZE,
        kind: 'custom sparse embedding',
        parameters: inputType,
        async send(shared, batch) {
          const { answer, options } = await call(shared, { input: batch, input_type: inputTypeValue(settings, inputType) });
          const result = read(shared, options, () => parseSparseEmbeddings(answer, parser.token_path!, parser.weight_path!));
          if (result.sparse_embedding.length !== batch.length) {
            throw client.unreadable(shared, options, `expected [${batch.length}] embeddings but the response had [${result.sparse_embedding.length}]`);
          }
          return result.sparse_embedding;
        },
      });
      return { sparse_embedding: results };
    },

    async rerank(context, { input, query, topN, returnDocuments }) {
      const parser = settingsOf(context).response.json_parser as RerankPaths;
      const { answer, options } = await call(context, { input, query, top_n: topN, return_documents: returnDocuments });
      const ranked = read(context, options, () => parseRerank(answer, parser));
      for (const doc of ranked) {
        if (doc.index < 0 || doc.index >= input.length) {
          throw client.unreadable(context, options, `the reranked index [${doc.index}] is not the index of an input (${input.length} given)`);
        }
      }
      const sorted = [...ranked].sort((a, b) => b.relevance_score - a.relevance_score);
      const kept = topN === undefined ? sorted : sorted.slice(0, topN);
      return {
        rerank: kept.map(({ index, relevance_score, text }) => {
          if (returnDocuments === false) return { index, relevance_score };
          const documentText = text ?? (returnDocuments ? input[index] : undefined);
          return documentText === undefined ? { index, relevance_score } : { index, relevance_score, text: documentText };
        }),
      };
    },

    async completion(context, { input }) {
      const parser = settingsOf(context).response.json_parser;
      // CompletionParameters: `${input}` is the first input, as a JSON string.
      const { answer, options } = await call(context, { input: input[0] ?? '' });
      return read(context, options, () => parseCompletion(answer, parser.completion_result!));
    },
  };
}


