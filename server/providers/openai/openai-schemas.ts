/** The shapes of OpenAI's responses that the adapter reads (https://platform.openai.com/docs/api-reference). */
import { z } from 'zod';
import type { ProviderErrorDetails } from '../kit/provider-error';

export const embeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const usageSchema = z.object({
  completion_tokens: z.number().int(),
  prompt_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const chatCompletionResponseSchema = z.object({
  id: z.string(),
  created: z.number().int().optional(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.string(),
        content: z.string().nullable().optional(),
        refusal: z.string().nullable().optional(),
        tool_calls: z.array(toolCallSchema).nullable().optional(),
      }),
      finish_reason: z.string().nullable().optional(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
});

export const chatChunkSchema = z.object({
  id: z.string(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z
        .object({
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
          role: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int(),
                id: z.string().nullable().optional(),
                type: z.string().nullable().optional(),
                function: z
                  .object({ name: z.string().nullable().optional(), arguments: z.string().nullable().optional() })
                  .nullable()
                  .optional(),
              }),
            )
            .nullable()
            .optional(),
        })
        .default({}),
      finish_reason: z.string().nullable().optional(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
});

export type OpenAiChatChunk = z.infer<typeof chatChunkSchema>;

const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().nullable().optional(),
    param: z.string().nullable().optional(),
    // Usually a string, but OpenAI (and compatible servers) sometimes send a number, e.g. `"code": 502`.
    code: z.union([z.string(), z.number()]).nullable().optional(),
  }),
});

/** OpenAI's error body, as sent with an HTTP error or inside a stream. */
export function openAiErrorDetails(body: unknown): ProviderErrorDetails | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { message, type, param, code } = parsed.data.error;
  return { message, type: type ?? undefined, param: param ?? undefined, code: code === null || code === undefined ? undefined : String(code) };
}

/** `. Token limit [..], remaining tokens [..]. Request limit [..], remaining requests [..]` from OpenAI's headers. */
export function describeOpenAiRateLimit(headers: Record<string, string | string[] | undefined>): string {
  const header = (name: string) => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? 'unknown';
  };
  return (
    `. Token limit [${header('x-ratelimit-limit-tokens')}], remaining tokens [${header('x-ratelimit-remaining-tokens')}]` +
    `. Request limit [${header('x-ratelimit-limit-requests')}], remaining requests [${header('x-ratelimit-remaining-requests')}]`
  );
}
