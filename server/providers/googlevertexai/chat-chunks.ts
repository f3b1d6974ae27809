/**
 * Gemini's GenerateContentResponse (one answer, or one event of a stream: the same shape) read as Elasticsearch's
 * GoogleVertexAiUnifiedStreamingProcessor reads it: each candidate a choice whose text parts make the content and
 * whose `functionCall` parts are tool calls (indexed across the stream, the id Gemini's or the function's name),
 * `finishReason` as it is, `responseId` and `modelVersion` as id and model, and usage with thinking tokens counted in
 * the completion tokens. Thought parts are kept out of the content.
 */
import { z } from 'zod';
import type { ChatCompletionChunk } from '../types';

const partSchema = z
  .object({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    functionCall: z.object({ name: z.string(), args: z.record(z.unknown()).nullish(), id: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

const candidateSchema = z
  .object({
    content: z.object({ role: z.string().optional(), parts: z.array(partSchema).optional() }).passthrough().optional(),
    finishReason: z.string().optional(),
    index: z.number().int().optional(),
  })
  .passthrough();

const usageSchema = z
  .object({
    promptTokenCount: z.number().int().default(0),
    candidatesTokenCount: z.number().int().default(0),
    totalTokenCount: z.number().int().default(0),
    thoughtsTokenCount: z.number().int().optional(),
  })
  .passthrough();

/** Elasticsearch's parser requires all four fields. */
export const generateContentSchema = z
  .object({ candidates: z.array(candidateSchema), usageMetadata: usageSchema, modelVersion: z.string(), responseId: z.string() })
  .passthrough()
  .describe('Failed to parse the Google Vertex AI generateContent response');

export type GenerateContentResponse = z.infer<typeof generateContentSchema>;
type ToolCall = NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number];

/** One stream's reader: tool calls are numbered across its chunks. */
export class ChunkReader {
  private toolCallIndex = 0;

  chunk(response: GenerateContentResponse): ChatCompletionChunk {
    const { usageMetadata: usage } = response;
    const thoughts = usage.thoughtsTokenCount;
    return {
      id: response.responseId,
      choices: response.candidates.map((candidate) => this.choice(candidate)),
      model: response.modelVersion,
      object: 'chat.completion.chunk',
      usage: {
        completion_tokens: usage.candidatesTokenCount + (thoughts ?? 0),
        prompt_tokens: usage.promptTokenCount,
        total_tokens: usage.totalTokenCount,
        ...(thoughts === undefined ? {} : { completion_tokens_details: { reasoning_tokens: thoughts } }),
      },
    };
  }

  private choice(candidate: z.infer<typeof candidateSchema>): ChatCompletionChunk['choices'][number] {
    let content = '';
    const toolCalls: ToolCall[] = [];
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall) {
        const { name, args, id } = part.functionCall;
        toolCalls.push({ index: this.toolCallIndex++, id: id ?? name, function: { arguments: JSON.stringify(args ?? {}), name }, type: 'function' });
      } else if (part.thought !== true && part.text !== undefined) {
        content += part.text;
      }
    }
    const role = candidate.content?.parts?.length ? candidate.content.role : undefined;
    const delta = {
      ...(content === '' ? {} : { content }),
      ...(role === undefined ? {} : { role }),
      ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
    };
    return { delta, ...(candidate.finishReason === undefined ? {} : { finish_reason: candidate.finishReason }), index: candidate.index ?? 0 };
  }
}

/** The text of each choice of one answer (a candidate without text gives an empty one). */
export function completionTexts(response: GenerateContentResponse): string[] {
  return new ChunkReader().chunk(response).choices.map((choice) => choice.delta.content ?? '');
}
