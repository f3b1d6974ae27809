/** The inputs of an `embedding` request (reference §5) as items, with the checks Elasticsearch makes of them: a
 * format each media type takes, data URIs for base64, and what the service can embed. */
import { EsError, badRequest } from '../http/errors';
import type { EmbeddingItem, InferenceProvider } from '../providers/types';

type ItemBody = { type: EmbeddingItem['type']; format?: EmbeddingItem['format']; value: string };
type ContentBody = { content: ItemBody | ItemBody[] };
export type EmbeddingInputBody = string | ContentBody | Array<string | ContentBody>;

const FORMATS: Record<EmbeddingItem['type'], EmbeddingItem['format']> = { text: 'text', image: 'base64', audio: 'base64', video: 'base64', pdf: 'base64' };
const DATA_URI_PREFIX_LIMIT = 256;

/** `data:<type>/<subtype>[;params];base64,` within the first 256 characters (Elasticsearch's rule), by a plain scan. */
function isBase64DataUri(value: string): boolean {
  if (!value.startsWith('data:')) return false;
  const comma = value.indexOf(',');
  if (comma < 0 || comma >= DATA_URI_PREFIX_LIMIT) return false;
  const header = value.slice('data:'.length, comma);
  const slash = header.indexOf('/');
  // A type, a slash, a subtype of at least one character, then `;base64`.
  return slash > 0 && header.endsWith(';base64') && header.length - ';base64'.length > slash + 1;
}

function parseFailure(reason: string): EsError {
  return new EsError(400, 'x_content_parse_exception', reason);
}

function toItem(body: ItemBody): EmbeddingItem {
  const format = body.format ?? FORMATS[body.type];
  if (format !== FORMATS[body.type]) {
    throw parseFailure(`Data type [${body.type}] does not support data format [${format}], supported formats are [${FORMATS[body.type]}]`);
  }
  if (format === 'base64' && !isBase64DataUri(body.value)) {
    throw parseFailure('base64 inputs must be specified as data URIs with the format [data:{MIME-type};base64,...]');
  }
  return { type: body.type, format, value: body.value };
}

const toGroup = (input: string | ContentBody): EmbeddingItem[] =>
  typeof input === 'string' ? [{ type: 'text', format: 'text', value: input }] : (Array.isArray(input.content) ? input.content : [input.content]).map(toItem);

export function embeddingItems(input: EmbeddingInputBody): EmbeddingItem[][] {
  return (Array.isArray(input) ? input : [input]).map(toGroup);
}

/** What a text-only, one-item-per-input service refuses (Elasticsearch's SenderService.embeddingInfer). */
export function checkEmbeddingInputs(service: string, provider: InferenceProvider, groups: EmbeddingItem[][]): void {
  const can = provider.embeddingInputs ?? { nonText: false, multipleItems: false };
  if (!can.nonText && groups.some((items) => items.some((item) => item.type !== 'text'))) {
    throw badRequest(`The ${service} service does not support embedding with non-text inputs`);
  }
  const multiple = groups.findIndex((items) => items.length > 1);
  if (!can.multipleItems && multiple >= 0) {
    throw badRequest(
      `Field [content] must contain a single item for [${service}] service. [content] object with multiple items found at $.input.content[${multiple}]`,
    );
  }
}
