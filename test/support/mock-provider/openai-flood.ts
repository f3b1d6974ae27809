/**
 * A provider that streams as fast as its client takes it: POST /v1/chat/completions answers `frames` OpenAI chat
 * chunks (each with `pieceBytes` of content) and `[DONE]`, writing on only after 'drain'. It counts what it wrote and
 * whether it is waiting for its socket to drain — how a test sees back-pressure reach the provider.
 */
import { drained } from '../../../server/http/sse';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';

export interface FloodStream {
  /** Bytes written to the socket so far (accepted by `write`, not necessarily sent). */
  writtenBytes: number;
  /** The last `write` returned false and 'drain' has not come yet. */
  waitingForDrain: boolean;
  /** Times a `write` returned false. */
  blockedWrites: number;
  /** `[DONE]` is written (the body may still be held open). */
  finished: boolean;
  /** The response ended as the provider meant it to ('finish'), not cut off by its client. */
  endedCleanly: boolean;
  /** Its socket closed before the response ended: the client aborted it. */
  cutOff: boolean;
}

export interface FloodOptions {
  frames: number;
  pieceBytes: number;
  /** How long the body stays open after `[DONE]` before it ends (as a provider may take to close it). */
  holdAfterDoneMs?: number;
}

function chunkFrame(content: string): string {
  const chunk = { id: 'chatcmpl-flood', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export class FloodProvider {
  readonly streams: FloodStream[] = [];
  private server: Server | undefined;
  url = '';

  constructor(readonly options: FloodOptions) {}

  get frames(): number {
    return this.options.frames;
  }

  /** What every stream of this provider sends in all, in bytes. */
  get streamBytes(): number {
    const { frames, pieceBytes } = this.options;
    return frames * Buffer.byteLength(chunkFrame('x'.repeat(pieceBytes))) + Buffer.byteLength('data: [DONE]\n\n');
  }

  async listen(): Promise<this> {
    this.server = createServer((request, response) => {
      request.resume();
      request.once('end', () => void this.flood(response));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async flood(response: ServerResponse): Promise<void> {
    const stream: FloodStream = { writtenBytes: 0, waitingForDrain: false, blockedWrites: 0, finished: false, endedCleanly: false, cutOff: false };
    this.streams.push(stream);
    response.once('finish', () => (stream.endedCleanly = true));
    response.once('close', () => (stream.cutOff = !response.writableFinished));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const frame = chunkFrame('x'.repeat(this.options.pieceBytes));
    const frameBytes = Buffer.byteLength(frame);
    for (let sent = 0; sent < this.options.frames && !response.destroyed; sent++) {
      stream.writtenBytes += frameBytes;
      if (response.write(frame)) continue;
      stream.blockedWrites++;
      stream.waitingForDrain = true;
      await drained(response);
      stream.waitingForDrain = false;
    }
    const { holdAfterDoneMs } = this.options;
    if (holdAfterDoneMs === undefined) response.end('data: [DONE]\n\n');
    else {
      response.write('data: [DONE]\n\n');
      setTimeout(() => response.end(), holdAfterDoneMs);
    }
    stream.finished = true;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
