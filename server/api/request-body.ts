/** Validates a request body against its schema in the spec and reports problems as Elasticsearch does. */
import type { Request } from 'express';
import type { JsonSchema } from '../openapi/document';
import { requestBodyError, type RequestBodyContext } from '../es-messages/request-errors';
import type { ApiContext } from './context';
import { rawBody, requireBody } from './context';

export const INFERENCE_PARSER = 'cluster:internal/xpack/inference';
export const CHAT_PARSER = 'chat_completion_request';

export function validatedBody<T>(
  request: Request,
  context: ApiContext,
  schema: JsonSchema,
  options: Omit<RequestBodyContext, 'rawBody'>,
): T {
  const body = requireBody(request);
  const { value, errors } = context.validator.validate<T>(schema, body, { inPlace: true });
  const error = requestBodyError(errors, { ...options, rawBody: rawBody(request) });
  if (error) throw error;
  return value;
}
