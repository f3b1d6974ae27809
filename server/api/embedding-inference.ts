/** POST /_inference/embedding/{inference_id} (reference §5, 9.4+): dense vectors of texts or other media. */
import { callContext, runCall } from '../inference/call';
import { requestBodySchema } from '../openapi/document';
import { type Handler, callTimeout, clientGoneSignal, pathParam } from './context';
import { checkEmbeddingInputs, embeddingItems, type EmbeddingInputBody } from './embedding-input';
import { callTaskSettings } from './endpoint-settings';
import { findEndpoint } from './endpoint-lookup';
import { checkTaskTypeForInference } from './perform-inference';
import { INFERENCE_PARSER, validatedBody } from './request-body';

interface EmbeddingBody {
  input: EmbeddingInputBody;
  input_type?: string;
  task_settings?: Record<string, unknown>;
  timeout?: string;
}

export const embeddingInference: Handler = async (request, response, context) => {
  const schema = requestBodySchema(context.operations.get('embedding')!)!;
  const body = validatedBody<EmbeddingBody>(request, context, schema, { parser: INFERENCE_PARSER });
  const items = embeddingItems(body.input);
  const endpoint = findEndpoint(context.store, pathParam(request, 'inference_id') ?? '');
  checkTaskTypeForInference(endpoint, 'embedding');
  const provider = context.providers.get(endpoint.service);
  checkEmbeddingInputs(endpoint.service, provider, items);

  const taskSettings = callTaskSettings(context, endpoint, body.task_settings);
  const call = callContext(endpoint, taskSettings, callTimeout(request, context, 'embedding', body.timeout), clientGoneSignal(response));
  response.json(await runCall(call, () => provider.embedding!(call, { input: items, inputType: body.input_type })));
};
