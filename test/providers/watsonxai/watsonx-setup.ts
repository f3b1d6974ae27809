/** What the watsonxai tests share: the mock standing for watsonx.ai and IAM, and endpoint bodies. */
import { withMockedService } from '../../support/service-setup';
import { startMockWatsonxAi, WATSONX_API_KEY, WATSONX_PROJECT } from './mock-watsonxai';

export const EMBED_MODEL = 'ibm/slate-30m-english-rtrvr';
export const RERANK_MODEL = 'cross-encoder/ms-marco-minilm-l-12-v2';
export const CHAT_MODEL = 'ibm/granite-3-8b-instruct';
export const API_VERSION = '2024-05-02';

export const watsonxService = () => withMockedService('watsonxai', startMockWatsonxAi, { origins: ['ibm-iam'] });

export const endpoint = (modelId: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'watsonxai',
  service_settings: { api_key: WATSONX_API_KEY, url: 'us-south.ml.cloud.ibm.com', api_version: API_VERSION, model_id: modelId, project_id: WATSONX_PROJECT, ...settings },
  ...extra,
});
