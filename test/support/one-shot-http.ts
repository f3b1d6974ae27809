/** A JSON request on a connection of its own (no keep-alive pool): when the server dies, only the requests it held
 * fail, and a restarted server never gets a dead pooled socket. Rejects on a connection error or after `timeoutMs`. */
import { request } from 'node:http';

export interface JsonResponse {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function jsonRequest(method: string, url: string, body?: unknown, timeoutMs = 15_000): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      agent: false,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error(`${method} ${url}: response aborted`)));
      res.on('end', () => {
        if (!res.complete) return reject(new Error(`${method} ${url}: response cut short`));
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
    });
    req.end(payload);
  });
}
