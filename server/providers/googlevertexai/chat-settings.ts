/**
 * GoogleVertexAiChatCompletionServiceSettings' checks of which settings go together, made when a completion or
 * chat_completion endpoint is created: Gemini on Vertex AI (provider GOOGLE, the default) needs `project_id` and
 * `model_id` and takes no URL; a Model Garden provider needs `url` or `streaming_url` (each stands in for the other).
 */
import { validationException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { Settings } from '../../store/endpoint-store';
import { serviceSettings } from '../kit/settings';

export type ChatSettings = ReturnType<typeof serviceSettings<'GoogleVertexAiChatServiceSettings'>>;

export const chatSettings = (context: CallContext): ChatSettings => serviceSettings<'GoogleVertexAiChatServiceSettings'>(context);

export const isModelGarden = (settings: ChatSettings) => (settings.provider ?? 'GOOGLE') !== 'GOOGLE';

const shown = (value: unknown) => (value === undefined ? 'null' : String(value));

export function checkChatSettings(context: CallContext): Settings {
  const settings = chatSettings(context);
  const hasUrl = settings.url !== undefined || settings.streaming_url !== undefined;
  if (isModelGarden(settings)) {
    if (!hasUrl) throw validationException([`Google Model Garden provider=${settings.provider!.toLowerCase()} selected. Either 'uri' or 'streaming_uri' must be provided`]);
  } else if (hasUrl) {
    throw validationException([
      "'provider' is either GOOGLE or null. For Google Vertex AI models 'uri' and 'streaming_uri' must not be provided. " +
        `Remove 'url' and 'streaming_url' fields. Provided values: uri=${shown(settings.url)}, streaming_uri=${shown(settings.streaming_url)}`,
    ]);
  } else if (settings.project_id === undefined || settings.model_id === undefined) {
    // Elasticsearch 9.x takes no location as Vertex AI's global endpoint, so only these two are required.
    throw validationException([
      "For Google Vertex AI models, you must provide 'project_id' and 'model_id'. " +
        `Provided values: location=${shown(settings.location)}, project_id=${shown(settings.project_id)}, model_id=${shown(settings.model_id)}`,
    ]);
  }
  return context.endpoint.serviceSettings;
}
