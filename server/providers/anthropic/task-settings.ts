/** The task settings of an Anthropic endpoint (AnthropicChatCompletionTaskSettings), as calls read them and as
 * Elasticsearch stores and shows them. */
import type { CallContext } from '../../inference/call-context';
import type { Settings } from '../../store/endpoint-store';
import { taskSettings } from '../kit/settings';

export const anthropicTaskSettings = (context: CallContext) => taskSettings<'AnthropicTaskSettings'>(context);

const defined = (entries: Array<[string, unknown]>): Settings => Object.fromEntries(entries.filter(([, value]) => value !== undefined));

/**
 * What Elasticsearch keeps of the task settings: its toXContent writes `top_k` under the key `top_p` (a second
 * `top_p` when both are set, of which the later, top_k's, is the one read back), and every call after PUT reads the
 * stored document, so the endpoint then sends top_k's value as `top_p` and no `top_k`. (Elasticsearch then even
 * refuses an integer `top_p` when it reads the document back; infergate keeps the endpoint usable.)
 */
export function persistedTaskSettings(settings: Settings): Settings {
  return defined([
    ['max_tokens', settings.max_tokens],
    ['temperature', settings.temperature],
    ['top_p', settings.top_k ?? settings.top_p],
  ]);
}
