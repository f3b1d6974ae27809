/**
 * Google AI Studio's `:generateContent` and `:streamGenerateContent?alt=sse` as GoogleAiStudioCompletionRequestEntity
 * writes them (`{"contents":[{"parts":[{"text"}],"role":"user"}],"generationConfig":{"candidateCount":1}}`) and
 * GoogleAiStudioCompletionResponseEntity reads the answer and each streamed GenerateContentResponse: the text of the
 * first part of the first candidate.
 */
import { z } from 'zod';
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import type { CompletionResult, CompletionStreamEvent } from '../types';
import { googleAiStudioErrorDetails, googleAiStudioStatusPolicy, methodUrl } from './wire';

const options: RequestOptions = {
  name: 'google ai studio completion',
  failedToSend: 'Failed to send Google AI Studio completion request',
  policy: googleAiStudioStatusPolicy,
  errorDetails: googleAiStudioErrorDetails,
};

/** SingleInputSenderExecutableAction: one input only. */
function completionBody(input: string[]): Record<string, unknown> {
  if (input.length !== 1) throw badRequest('Google AI Studio completion only accepts 1 input');
  return { contents: [{ parts: [{ text: input[0] }], role: 'user' }], generationConfig: { candidateCount: 1 } };
}

/** Elasticsearch reads the first candidate's first part and fails on an answer without its text (a candidate cut
 * by a safety filter, a prompt blocked), streamed or not; so does infergate. */
const missing = (field: string) => `Failed to find required field [${field}] in Google AI Studio completion response`;
const part = z.object({ text: z.string() }).passthrough();
const content = z.object({ parts: z.array(z.unknown()).min(1) }).passthrough();
const candidate = z.object({ content: z.unknown() }).passthrough();
const responseSchema = z.object({ candidates: z.array(z.unknown()).min(1) }).passthrough();

/** The text of a GenerateContentResponse, or the field Elasticsearch would say it could not find. */
function textOf(answer: z.infer<typeof responseSchema>): { text: string } | { missing: string } {
  const first = candidate.safeParse(answer.candidates[0]);
  if (!first.success) return { missing: 'content' };
  const parts = content.safeParse(first.data.content);
  if (!parts.success) return { missing: first.data.content === undefined ? 'content' : 'parts' };
  const text = part.safeParse(parts.data.parts[0]);
  return text.success ? { text: text.data.text } : { missing: 'text' };
}

const answerSchema = responseSchema.describe(missing('candidates'));

export async function googleAiStudioCompletion(client: ProviderClient, context: CallContext, input: string[]): Promise<CompletionResult> {
  const url = methodUrl(context, 'generateContent');
  const answer = await client.postJson(context, url, completionBody(input), answerSchema, options);
  const read = textOf(answer);
  if ('missing' in read) throw client.unreadable(context, options, missing(read.missing));
  return { completion: [{ result: read.text }] };
}

/** Any chunk but Google's `{"error":{...}}` (sent once the stream has begun), which is the provider's error quoting
 * its message; a chunk is then read as Elasticsearch reads a GenerateContentResponse. */
const chunkSchema = z.object({ error: z.undefined() }).passthrough();

export async function* googleAiStudioStreamCompletion(client: ProviderClient, context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  const url = methodUrl(context, 'streamGenerateContent');
  const events = client.postEventStream(context, url, completionBody(input), chunkSchema, { ...options, framing: 'sse' });
  for await (const event of events) {
    const chunk = responseSchema.safeParse(event);
    if (!chunk.success) throw client.unreadable(context, options, missing('candidates'));
    const read = textOf(chunk.data);
    if ('missing' in read) throw client.unreadable(context, options, missing(read.missing));
    if (read.text !== '') yield { completion: [{ delta: read.text }] };
  }
}
