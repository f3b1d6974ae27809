/** What every OpenAI request shares: the call scope (rate limit, deadline, error mapping) and the headers. */
import type { CallScope } from '../kit/provider-http';
import type { CallContext } from '../types';
import { describeOpenAiRateLimit, openAiErrorDetails } from './openai-schemas';

export const OPENAI_EMBEDDINGS_URL = 'https://api.openai.com/v1/embeddings';
export const OPENAI_CHAT_URL = 'https://api.openai.com/v1/chat/completions';

export function openAiScope(context: CallContext): CallScope {
  const rateLimit = context.endpoint.serviceSettings.rate_limit as { requests_per_minute?: number } | undefined;
  return {
    inferenceId: context.endpoint.inferenceId,
    requestsPerMinute: rateLimit?.requests_per_minute,
    deadline: context.deadline,
    provider: 'openai',
    errors: {
      inferenceId: context.endpoint.inferenceId,
      secrets: context.endpoint.secrets,
      parseErrorBody: openAiErrorDetails,
      describeRateLimit: describeOpenAiRateLimit,
    },
  };
}

export function endpointUrl(context: CallContext, fallback: string): string {
  const url = context.endpoint.serviceSettings.url;
  return typeof url === 'string' ? url : fallback;
}

/** `user` from the task settings, when set. */
export function userField(context: CallContext): { user?: string } {
  return typeof context.taskSettings.user === 'string' ? { user: context.taskSettings.user } : {};
}
