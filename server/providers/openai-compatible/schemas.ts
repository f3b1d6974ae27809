/** The shapes of OpenAI's chat and embeddings answers that the services on its wire read
 * (https://platform.openai.com/docs/api-reference), and its error body. */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import { shortestFloat32 } from '../../inference/float32-format';
import { errorDetailsFrom } from '../kit/error-details';

/** A vector as JSON numbers, or (`encoding_format: base64`) as packed little-endian float32, which Elasticsearch prints
 * as Java floats would print. */
const vectorSchema = z.union([
  numberArray(),
  z.string().transform((encoded, context) => {
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length % 4 !== 0) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: `[embedding] base64-decoded length [${bytes.length}] is not a multiple of 4` });
      return z.NEVER;
    }
    return Array.from({ length: bytes.length / 4 }, (_, i) => shortestFloat32(bytes.readFloatLE(i * 4)));
  }),
]);

export const embeddingsResponseSchema = z
  .object({
    data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: vectorSchema })),
  })
  .describe('Failed to find required field [data] in OpenAI embeddings response');

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const usageSchema = z.object({
  completion_tokens: z.number().int(),
  prompt_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int().optional() }).nullable().optional(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().int().optional() }).nullable().optional(),
});

export type Usage = z.infer<typeof usageSchema>;

export const chatCompletionResponseSchema = z
  .object({
    id: z.string(),
    created: z.number().int().optional(),
    model: z.string(),
    choices: z
      .array(
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
      )
      .min(1),
    usage: usageSchema.nullable().optional(),
  })
  .describe('Failed to find required field [choices] in OpenAI chat completions response');

export type ChatCompletionResponse = z.infer<typeof chatCompletionResponseSchema>;

export const chatChunkSchema = z
  .object({
    id: z.string(),
    model: z.string().optional(),
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
  })
  .describe('Failed to find required field [choices] in OpenAI chat completions response');

export type ChatChunk = z.infer<typeof chatChunkSchema>;

const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().nullable().optional(),
    param: z.string().nullable().optional(),
    // Usually a string, but OpenAI (and compatible servers) sometimes send a number, e.g. `"code": 502`.
    code: z.union([z.string(), z.number()]).nullable().optional(),
  }),
});

/** OpenAI's error body `{"error":{"message","type","param","code"}}`, as sent with an HTTP error or in a stream. */
export const openAiErrorDetails = errorDetailsFrom(errorBodySchema, ({ error }) => ({
  message: error.message,
  type: error.type ?? undefined,
  param: error.param ?? undefined,
  code: error.code === null || error.code === undefined ? undefined : String(error.code),
}));
