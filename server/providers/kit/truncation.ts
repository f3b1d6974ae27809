/** Elasticsearch's Truncator: it counts a token every three characters (OpenAI says four: it errs low) and cuts
 * each input to the endpoint's `max_input_tokens` before sending. */
import type { CallContext } from '../../inference/call-context';

export const CHARS_PER_TOKEN = 3;

/** Inputs cut to the endpoint's `max_input_tokens`, as Elasticsearch cuts them before sending. */
export function withinTokenLimit(context: CallContext, input: string[]): string[] {
  const limit = context.endpoint.serviceSettings.max_input_tokens;
  if (typeof limit !== 'number') return input;
  const length = Math.floor(limit * CHARS_PER_TOKEN);
  return input.map((text) => (text.length > length ? text.slice(0, length) : text));
}
