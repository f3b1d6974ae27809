/**
 * The `anthropic` service (reference §8.4): completion and chat_completion, both streamed, on Anthropic's Messages
 * API, as Elasticsearch's AnthropicService sends them. What it stores of the task settings is what Elasticsearch
 * stores (`top_k` shown and kept as `top_p`, task-settings.ts); the validation call uses the settings as given.
 */
import type { CallContext } from '../../inference/call-context';
import type { Settings, StoredEndpoint } from '../../store/endpoint-store';
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { anthropicChat, anthropicStreamChat } from './chat';
import { anthropicCompletion, anthropicStreamCompletion } from './completion';
import { persistedTaskSettings } from './task-settings';
import { anthropicHeaders, completionErrorDetails } from './wire';

const VALIDATION_INPUT = 'how big';

const persist = (endpoint: StoredEndpoint) => {
  endpoint.taskSettings = persistedTaskSettings(endpoint.taskSettings);
};

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'anthropic', headers: anthropicHeaders, errorDetails: completionErrorDetails });
  const provider: InferenceProvider = {
    completion: (context, { input }) => anthropicCompletion(client, context, input),
    streamCompletion: (context, { input }) => anthropicStreamCompletion(client, context, input),
    chatCompletion: (context, request) => anthropicChat(client, context, request),
    streamChatCompletion: (context, request) => anthropicStreamChat(client, context, request),
    // Without a validation call the settings are stored at once; with one, once it made its call.
    prepareEndpoint: async (context, { start }): Promise<Settings> => {
      if (!start) persist(context.endpoint);
      return context.endpoint.serviceSettings;
    },
    validateEndpoint: async (context: CallContext): Promise<Settings> => {
      if (context.endpoint.taskType === 'completion') {
        await anthropicCompletion(client, context, [VALIDATION_INPUT]);
      } else {
        const stream = anthropicStreamChat(client, context, { messages: [{ role: 'user', content: VALIDATION_INPUT }], max_completion_tokens: 1 });
        for await (const _chunk of stream) {
          // Read to the end: a stream that fails mid-way fails the validation.
        }
      }
      persist(context.endpoint);
      return {};
    },
    endpointUpdated: async (endpoint) => persist(endpoint),
  };
  return provider;
}
