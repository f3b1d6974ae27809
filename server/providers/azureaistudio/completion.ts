/**
 * completion, streamed and not, as Elasticsearch's AzureAiStudioChatCompletionRequestManager makes it: one request
 * with every input, read by AzureMistralOpenAiExternalResponseHandler ("azure ai studio completion"). A token
 * endpoint answers as OpenAI's chat completions do; a realtime one `{"output": "<text>"}`
 * (AzureAiStudioChatCompletionResponseEntity). A stream is read as OpenAI's chunks whatever the endpoint type, as
 * Elasticsearch's handler reads it.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { taskSettings } from '../kit/settings';
import { azureMistralStatusPolicy } from '../kit/status-policy';
import { completionDeltas } from '../openai-compatible/chat-results';
import { chatChunkSchema, chatCompletionResponseSchema } from '../openai-compatible/schemas';
import type { CompletionResult, CompletionStreamEvent } from '../types';
import { completionBody } from './completion-body';
import { deployment, requestUrl } from './deployment';

/** The first `output` field (any case) holding a string, as the entity's token walk finds it. */
const realtimeAnswerSchema = z
  .record(z.unknown())
  .transform((answer, issues) => {
    const key = Object.keys(answer).find((name) => name.toLowerCase() === 'output' && typeof answer[name] === 'string');
    if (key === undefined) {
      issues.addIssue({ code: z.ZodIssueCode.custom, message: 'no output' });
      return z.NEVER;
    }
    return answer[key] as string;
  })
  .describe('Reached an invalid state while parsing the Azure AI Studio completion response');

const OPTIONS: RequestOptions = { name: 'Azure AI Studio completion', policy: azureMistralStatusPolicy };

function request(context: CallContext, input: string[], stream: boolean) {
  const realtime = deployment(context).endpoint_type === 'realtime';
  const body = completionBody(input, realtime, taskSettings<'AzureAiStudioCompletionTaskSettings'>(context), stream);
  return { realtime, url: requestUrl(context, 'completion'), body };
}

export async function completion(client: ProviderClient, context: CallContext, input: string[]): Promise<CompletionResult> {
  const { realtime, url, body } = request(context, input, false);
  if (realtime) return { completion: [{ result: await client.postJson(context, url, body, realtimeAnswerSchema, OPTIONS) }] };
  const answer = await client.postJson(context, url, body, chatCompletionResponseSchema, OPTIONS);
  return { completion: [{ result: answer.choices[0].message.content ?? '' }] };
}

export async function* streamCompletion(client: ProviderClient, context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  const { url, body } = request(context, input, true);
  for await (const chunk of client.postEventStream(context, url, body, chatChunkSchema, { ...OPTIONS, doneData: '[DONE]' })) {
    const deltas = completionDeltas(chunk);
    if (deltas.length > 0) yield { completion: deltas };
  }
}
