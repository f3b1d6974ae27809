/**
 * The floor of bench:proxy and bench:streams: a bare node:http + undici proxy that does infergate's translation and
 * nothing else — parse the Elasticsearch body, build OpenAI's, parse its JSON answer, write Elasticsearch's — for
 * text_embedding, and for a streamed chat relays OpenAI's chunks as Elasticsearch's events, waiting for a slow client
 * (as any correct proxy must, or it buffers without bound). `GET /_memory` answers its process.memoryUsage(). Run as
 * its own process: `FLOOR_PORT=0 UPSTREAM=http://127.0.0.1:9400 tsx scripts/bench/floor-proxy.ts` prints
 * `listening <url>`; FLOOR_CONNECTIONS (64) upstream connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM ?? 'http://127.0.0.1:9400', { connections: Number(process.env.FLOOR_CONNECTIONS ?? 64) });
const KEY = process.env.UPSTREAM_KEY ?? 'sk-test-valid-key-0123456789abcdef';

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.on('drain', done).on('close', done);
  });
}

const server = createServer(async (request, response) => {
  try {
    if (request.url === '/_memory') return void response.end(JSON.stringify(process.memoryUsage()));
    if (request.url?.startsWith('/_inference/text_embedding/')) {
      const { input } = (await bodyOf(request)) as { input: string | string[] };
      const answer = await upstream.request({ method: 'POST', path: '/v1/embeddings', headers, body: JSON.stringify({ input: Array.isArray(input) ? input : [input], model: 'text-embedding-3-small' }) });
      const parsed = (await answer.body.json()) as { data: { index: number; embedding: number[] }[] };
      const body = JSON.stringify({ text_embedding: parsed.data.sort((a, b) => a.index - b.index).map((entry) => ({ embedding: entry.embedding })) });
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(body);
    }
    if (request.url?.startsWith('/_inference/chat_completion/')) {
      const { messages } = (await bodyOf(request)) as { messages: unknown[] };
      const answer = await upstream.request({ method: 'POST', path: '/v1/chat/completions', headers, body: JSON.stringify({ messages, model: 'gpt-4o-mini', n: 1, stream: true }) });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let pending = '';
      let writable = true;
      for await (const chunk of answer.body) {
        pending += (chunk as Buffer).toString('utf8');
        let end = pending.indexOf('\n\n');
        while (end >= 0) {
          const data = pending.slice(0, end).replace(/^data: /, '');
          pending = pending.slice(end + 2);
          writable = response.write(data === '[DONE]' ? '\uFEFFevent: message\ndata: [DONE]\n\n' : `\uFEFFevent: message\ndata: ${JSON.stringify(JSON.parse(data))}\n\n`);
          end = pending.indexOf('\n\n');
        }
        if (!writable) await drainedOrClosed(response);
        if (response.destroyed) break;
      }
      return void response.end();
    }
    response.writeHead(404).end();
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});

server.listen(Number(process.env.FLOOR_PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

// Exits (rather than dying of the signal) so that `node --cpu-prof` writes its profile: scripts/bench/profile-proxy.ts.
process.once('SIGTERM', () => process.exit(0));
