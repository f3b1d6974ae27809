/**
 * `completion` on Converse, as Elasticsearch's AmazonBedrockChatCompletionEntityFactory builds it: each input is a
 * user message; `max_new_tokens`, `temperature` and `top_p` are the inference configuration; `top_k` goes to the
 * anthropic, cohere and mistral models only, as an additional model request field. (Elasticsearch itself puts
 * `{"top_k":%f}` in `additionalModelResponseFieldPaths`, which Bedrock reads as a path to return, not a setting; the
 * model request field is what takes effect.) Streams yield each text delta, as AmazonBedrockStreamingChatProcessor.
 */
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { taskSettings } from '../kit/settings';
import type { CompletionResult, CompletionStreamEvent } from '../types';
import { TOP_K_PROVIDERS, providerOf } from './endpoint';
import { converse, converseStream, inferenceConfig } from './converse';

const NAME = 'Amazon Bedrock chat completion';

export function completionBody(context: CallContext, input: string[]): Record<string, unknown> {
  const { max_new_tokens, temperature, top_p, top_k } = taskSettings<'AmazonBedrockCompletionTaskSettings'>(context);
  const topK = top_k !== undefined && TOP_K_PROVIDERS.includes(providerOf(context)) ? { additionalModelRequestFields: { top_k } } : {};
  return {
    messages: input.map((text) => ({ role: 'user', content: [{ text }] })),
    ...inferenceConfig({ maxTokens: max_new_tokens, temperature, topP: top_p }),
    ...topK,
  };
}

export async function bedrockCompletion(client: ProviderClient, context: CallContext, input: string[]): Promise<CompletionResult> {
  const answer = await converse(client, context, completionBody(context, input), NAME);
  const texts = answer.output.message.content.flatMap((block) => (typeof block.text === 'string' ? [block.text] : []));
  return { completion: texts.map((result) => ({ result })) };
}

export async function* bedrockStreamCompletion(client: ProviderClient, context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  for await (const event of converseStream(client, context, completionBody(context, input), NAME)) {
    if ('contentBlockDelta' in event && typeof event.contentBlockDelta.delta.text === 'string') {
      yield { completion: [{ delta: event.contentBlockDelta.delta.text }] };
    }
  }
}
