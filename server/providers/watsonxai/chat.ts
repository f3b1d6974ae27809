/**
 * completion and chat_completion on watsonx.ai's chat API, as Elasticsearch's IbmWatsonxChatCompletionRequestEntity
 * sends them: `project_id` first, then the unified request with the token limit as `max_tokens`, the model as
 * `model` (the request's, else the endpoint's `model_id`), `n: 1` and `stream`, without `stream_options`. Answers
 * and stream chunks are OpenAI's shape and are read as Elasticsearch reads OpenAI's (its completion handlers are
 * OpenAI's chat ones, with watsonx's error entity).
 */
import { failedToSendTask } from '../kit/provider-error';
import { serviceSettings } from '../kit/settings';
import type { ChatWire } from '../openai-compatible/chat-model';
import { WATSONX_CONTENT_TYPE, watsonxErrorDetails, watsonxUrl } from './wire';

const failedToSend = failedToSendTask('IBM Watsonx');
const errors = { errorDetails: watsonxErrorDetails };

export const watsonxChat: ChatWire = {
  url: (context) => watsonxUrl(context, 'chat'),
  streamUrl: (context) => watsonxUrl(context, 'chat_stream'),
  model: (context) => serviceSettings<'WatsonxaiServiceSettings'>(context).model_id,
  leadingFields: (context) => ({ project_id: serviceSettings<'WatsonxaiServiceSettings'>(context).project_id }),
  tokenLimitField: 'max_tokens',
  streamOptions: false,
  requestName: 'IBM Watsonx completions',
  chatRequestName: 'IBM Watsonx chat completions',
  failedToSend,
  contentType: WATSONX_CONTENT_TYPE,
  completionErrors: errors,
  chatErrors: errors,
};
