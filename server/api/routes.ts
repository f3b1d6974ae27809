/** Which handler serves which operation of the spec (by operationId). */
import type { Handler } from './context';
import { deleteEndpoint } from './delete-endpoint';
import { embeddingInference } from './embedding-inference';
import { getEndpoints } from './get-endpoints';
import { inferenceHandler } from './perform-inference';
import { putEndpoint } from './put-endpoint';
import { deleteRegionPolicy, getRegionPolicy, putRegionPolicy } from './region-policy';
import { getInfo, ping } from './root';
import { getServices } from './services';
import { getTrainedModelStats } from './trained-model-stats';
import { chatCompletion, chatCompletionStream } from './chat-completion';
import { streamHandler } from './stream-inference';
import { updateEndpoint } from './update-endpoint';
import { createApiKey, getApiKeys, invalidateApiKeys } from './api-keys';
import { authenticate } from './authenticate';
import { getMetrics } from './metrics';
import { openAiChatCompletions } from '../openai-api/chat';
import { openAiEmbeddings } from '../openai-api/embeddings';
import { openAiModels } from '../openai-api/models';
import { openAiRerank } from '../openai-api/rerank';
import { getDocs, getDocsAsset, getOpenApiJson, getOpenApiYaml } from '../docs/docs-page';

export const HANDLERS: Record<string, Handler> = {
  getOpenApiJson,
  getOpenApiYaml,
  getDocs,
  getDocsAsset,
  getMetrics,
  openAiEmbeddings,
  openAiChatCompletions,
  openAiModels,
  openAiRerank,
  getInfo,
  ping,
  getAllEndpoints: getEndpoints,
  getAllEndpointsWildcard: getEndpoints,
  getEndpoint: getEndpoints,
  getEndpointWithTaskType: getEndpoints,
  getEndpointsByTaskType: getEndpoints,
  putEndpoint,
  putEndpointWithTaskType: putEndpoint,
  deleteEndpoint,
  deleteEndpointWithTaskType: deleteEndpoint,
  updateEndpoint,
  updateEndpointWithTaskType: updateEndpoint,
  getServices,
  getServicesByTaskType: getServices,
  inference: inferenceHandler('inference'),
  inferenceWithTaskType: inferenceHandler('inferenceWithTaskType'),
  textEmbedding: inferenceHandler('textEmbedding'),
  sparseEmbedding: inferenceHandler('sparseEmbedding'),
  rerank: inferenceHandler('rerank'),
  completion: inferenceHandler('completion'),
  embedding: embeddingInference,
  chatCompletion,
  streamCompletion: streamHandler('streamCompletion'),
  streamInference: streamHandler('streamInference'),
  streamInferenceWithTaskType: streamHandler('streamInferenceWithTaskType'),
  chatCompletionUnified: chatCompletionStream,
  getTrainedModelsStats: getTrainedModelStats,
  getTrainedModelStats,
  putRegionPolicy,
  getRegionPolicy,
  deleteRegionPolicy,
  createApiKey,
  createApiKeyPut: createApiKey,
  getApiKeys,
  invalidateApiKeys,
  authenticate,
};

/** Operations whose errors use the unified (OpenAI-style) envelope from the start. */
/** The operations whose errors use the unified (OpenAI) envelope. */
export const UNIFIED_ERROR_OPERATIONS = new Set(['chatCompletion', 'chatCompletionUnified', 'openAiEmbeddings', 'openAiChatCompletions', 'openAiModels', 'openAiRerank']);
