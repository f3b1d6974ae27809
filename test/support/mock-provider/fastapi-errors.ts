/** FastAPI's error bodies, `{"detail": "<text>"}` (Jina AI, Voyage AI): the provider gives its wording per status. */
import type { JsonValue, MockWire } from './mock-server';

export const detail = (text: string): JsonValue => ({ detail: text });

/** The statuses every such provider words alike; `specific` gives its own texts (401, 402, 429 ...). */
export function detailForStatus(specific: Record<number, string>): (status: number) => JsonValue {
  return (status) => {
    if (specific[status] !== undefined) return detail(specific[status]);
    if (status >= 500) return detail('Internal Server Error');
    return detail(`Request failed with status ${status}.`);
  };
}

export function fastApiWire(statusDetail: (status: number) => JsonValue): MockWire {
  return {
    errorBody: (status) => statusDetail(status),
    streamErrorFrame: (message) => JSON.stringify(detail(message)),
    unknownRoute: () => ({ status: 404, body: detail('Not Found') }),
  };
}
