/** Bedrock Runtime's answers as the mock gives them: Titan's and Cohere's InvokeModel bodies, Converse's output
 * message, and ConverseStream's event-stream messages. */
import { createHash } from 'node:crypto';
import { awsEvent } from '../../support/mock-provider/aws-event-stream';
import type { JsonObject } from '../../support/mock-provider/mock-server';

/** A deterministic unit vector for a text. */
export function vectorOf(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && values.length < dimensions; i += 2) values.push(digest.readInt16BE(i) / 32768);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

const tokens = (text: string) => Math.max(1, text.split(/\s+/).filter(Boolean).length);

export const titanAnswer = (text: string, dimensions: number): JsonObject => ({ embedding: vectorOf(text, dimensions), inputTextTokenCount: tokens(text) });

export const cohereAnswer = (texts: string[], dimensions: number): JsonObject => ({
  embeddings: texts.map((text) => vectorOf(text, dimensions)),
  id: 'c0a8d6c5-9c3e-4a7a-8f5e-7d1f2b3a4c5d',
  response_type: 'embeddings_floats',
  texts: texts.map((text) => text.toLowerCase()),
});

export interface ToolCall {
  toolUseId: string;
  name: string;
  input: JsonObject;
}

export function converseAnswer(said: string, reply: string | ToolCall): JsonObject {
  const content = typeof reply === 'string' ? [{ text: reply }] : [{ toolUse: { ...reply } }];
  const outputTokens = typeof reply === 'string' ? tokens(reply) : 12;
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: typeof reply === 'string' ? 'end_turn' : 'tool_use',
    usage: { inputTokens: tokens(said), outputTokens, totalTokens: tokens(said) + outputTokens },
    metrics: { latencyMs: 321 },
  };
}

/** The messages of a ConverseStream, and how many come before the first content delta. */
export function streamMessages(said: string, reply: string | ToolCall): { frames: Buffer[]; before: number } {
  const outputTokens = typeof reply === 'string' ? tokens(reply) : 12;
  const body =
    typeof reply === 'string'
      ? reply.split(/(?<= )/).map((text) => awsEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }))
      : [
          awsEvent('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: reply.toolUseId, name: reply.name } } }),
          ...JSON.stringify(reply.input)
            .match(/.{1,8}/g)!
            .map((input) => awsEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input } } })),
        ];
  const frames = [
    awsEvent('messageStart', { role: 'assistant' }),
    ...body,
    awsEvent('contentBlockStop', { contentBlockIndex: 0 }),
    awsEvent('messageStop', { stopReason: typeof reply === 'string' ? 'end_turn' : 'tool_use' }),
    awsEvent('metadata', { usage: { inputTokens: tokens(said), outputTokens, totalTokens: tokens(said) + outputTokens }, metrics: { latencyMs: 321 } }),
  ];
  return { frames, before: 1 };
}
