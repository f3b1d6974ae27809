/**
 * AzureAiStudioChatCompletionRequestEntity's body, byte for byte: every input a user message (`content` before
 * `role`); for a token endpoint `{"messages":[..],"parameters":{..}}`, for a realtime one
 * `{"input_data":{"input_string":[..],"parameters":{..}}}`; `"stream":true` last when streaming. The parameters are
 * the task settings, in the order temperature, top_p, do_sample, max_new_tokens, and only those set (no object at
 * all when none is). Elasticsearch nests them under `parameters` on token endpoints too, where an OpenAI-style API
 * would read them at the top level: it is sent as Elasticsearch sends it.
 */
import { RawBody } from '../kit/http-transport';
import type { ServiceSettings } from '../kit/settings';

type TaskSettings = ServiceSettings<'AzureAiStudioCompletionTaskSettings'>;

/** A Java double as Jackson writes it: `1.0` for 1, `1.0E-4` below 10^-3 and from 10^7 on. */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return JSON.stringify(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function parameters(settings: TaskSettings): string | undefined {
  const fields: string[] = [];
  if (typeof settings.temperature === 'number') fields.push(`"temperature":${javaDouble(settings.temperature)}`);
  if (typeof settings.top_p === 'number') fields.push(`"top_p":${javaDouble(settings.top_p)}`);
  if (typeof settings.do_sample === 'boolean') fields.push(`"do_sample":${settings.do_sample}`);
  if (typeof settings.max_new_tokens === 'number') fields.push(`"max_new_tokens":${settings.max_new_tokens}`);
  return fields.length === 0 ? undefined : `"parameters":{${fields.join(',')}}`;
}

export function completionBody(inputs: readonly string[], realtime: boolean, settings: TaskSettings, stream: boolean): RawBody {
  const messages = inputs.map((content) => `{"content":${JSON.stringify(content)},"role":"user"}`).join(',');
  const inner = [`"${realtime ? 'input_string' : 'messages'}":[${messages}]`, parameters(settings)].filter(Boolean).join(',');
  const body = realtime ? `"input_data":{${inner}}` : inner;
  return new RawBody(`{${body}${stream ? ',"stream":true' : ''}}`);
}
