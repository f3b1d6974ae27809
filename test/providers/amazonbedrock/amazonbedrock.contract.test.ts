/** The shared provider contract for `amazonbedrock`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { BEDROCK_KEY, startMockBedrock } from './mock-amazonbedrock';

// Cohere for embeddings: the contract's two inputs make one InvokeModel call (Titan's one text a call is tested on
// its own in amazonbedrock.test.ts).
const MODELS: Record<string, string> = {
  text_embedding: 'cohere.embed-english-v3',
  completion: 'amazon.titan-text-premier-v1:0',
  chat_completion: 'anthropic.claude-3-haiku-20240307-v1:0',
};
const PROVIDERS: Record<string, string> = { text_embedding: 'cohere', completion: 'amazontitan', chat_completion: 'anthropic' };

describeProviderContract({
  service: 'amazonbedrock',
  taskTypes: ['text_embedding', 'completion', 'chat_completion'],
  startMock: startMockBedrock,
  putBody: (taskType) => ({
    service: 'amazonbedrock',
    service_settings: {
      access_key: BEDROCK_KEY.accessKeyId,
      secret_key: BEDROCK_KEY.secretAccessKey,
      region: BEDROCK_KEY.region,
      provider: PROVIDERS[taskType],
      model: MODELS[taskType],
    },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'invoke' : 'converse'),
  secrets: [BEDROCK_KEY.accessKeyId, BEDROCK_KEY.secretAccessKey],
  // Elasticsearch's Bedrock client makes one attempt (the SDK's retry strategy of maxAttempts(1)): nothing is retried.
  retried: () => [],
});
