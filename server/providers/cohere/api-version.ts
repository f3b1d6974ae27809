/** Which of Cohere's APIs an endpoint calls, as Elasticsearch's CohereServiceSettings decides: every endpoint created
 * now uses V2 (which needs a model); the version is kept with the endpoint but not shown; an endpoint stored without
 * one was made before V2 existed and calls V1. Requests go to Cohere's host whatever `url` says. */
import { validationException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { Settings } from '../../store/endpoint-store';

export type CohereApiVersion = 'V1' | 'V2';

const HOST = 'https://api.cohere.ai';
const MODEL_REQUIRED_FOR_V2_API = 'The [service_settings.model_id] field is required for the Cohere V2 API.';

export const apiVersionOf = (context: CallContext): CohereApiVersion => (context.endpoint.internal.api_version === 'V2' ? 'V2' : 'V1');

export const cohereUrl = (context: CallContext, path: 'embed' | 'rerank' | 'chat'): string =>
  `${HOST}/${apiVersionOf(context).toLowerCase()}/${path}`;

export const modelOf = (context: CallContext): string | undefined => context.endpoint.serviceSettings.model_id as string | undefined;

/** PUT of a new endpoint: `model` is stored as `model_id` (which wins when both are given), and V2 is recorded. */
export function newEndpointSettings(context: CallContext): Settings {
  const { model, ...settings } = context.endpoint.serviceSettings;
  const modelId = settings.model_id ?? model;
  if (modelId === undefined) throw validationException([MODEL_REQUIRED_FOR_V2_API]);
  context.endpoint.internal.api_version = 'V2';
  return { ...settings, model_id: modelId };
}
