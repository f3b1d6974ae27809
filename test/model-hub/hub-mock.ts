/**
 * A Hugging Face Hub on loopback, serving repositories made of local directories: `GET /api/models/<repo>/revision/
 * <rev>?blobs=true` with each file's size and checksum (LFS sha256 for large files, the git blob id for small ones),
 * and `GET /<repo>/resolve/<rev>/<path>` with Range requests — or a redirect to a "CDN" path, as the hub does for LFS
 * files. Faults: a download cut off after some bytes, a file served with other bytes than its checksum says, a
 * token required.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Files at least this large are LFS files, as the hub stores weights. */
const LFS_THRESHOLD = 10 * 1024;
const COMMIT = 'a'.repeat(8) + createHash('sha1').update('hub-mock').digest('hex').slice(0, 32);

export interface HubRepo {
  /** Path in the repository → local file. */
  files: Record<string, string>;
}

export interface HubFaults {
  /** Cut the next download of this path after this many bytes (the connection dies). */
  cutAfter?: { path: string; bytes: number };
  /** Serve this path with its last byte changed (its checksum then disagrees). */
  corrupt?: string;
}

export class HubMock {
  url = '';
  /** The "CDN" LFS downloads are redirected to: another origin, as the hub's is. */
  cdnUrl = '';
  readonly faults: HubFaults = {};
  readonly requests: { path: string; range?: string; authorization?: string }[] = [];
  private readonly server: Server;
  private readonly cdn: Server;

  constructor(
    private readonly repos: Record<string, HubRepo>,
    private readonly token?: string,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.cdn = createServer((req, res) => this.handle(req, res));
  }

  async listen(): Promise<this> {
    const start = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    this.url = await start(this.server);
    this.cdnUrl = await start(this.cdn);
    return this;
  }

  async close(): Promise<void> {
    for (const server of [this.server, this.cdn]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, range: req.headers.range, authorization: req.headers.authorization });
    const cdn = /^\/cdn\/(.+)$/.exec(url.pathname);
    if (cdn) return this.serveFile(req, res, ...(JSON.parse(Buffer.from(cdn[1], 'base64url').toString()) as [string, string]));
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`) return json(res, 401, { error: 'Invalid username or password.' });
    const meta = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (meta) return this.metadata(res, decodeURIComponent(meta[1]));
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const [, repo, , file] = resolve;
      const local = this.repos[repo]?.files[decodeURIComponent(file)];
      if (!local) return json(res, 404, { error: 'Entry not found' });
      // LFS files are redirected to the CDN, which needs no token (and must not be sent one).
      if (statSync(local).size >= LFS_THRESHOLD) {
        res.writeHead(302, { location: `${this.cdnUrl}/cdn/${Buffer.from(JSON.stringify([repo, decodeURIComponent(file)])).toString('base64url')}` });
        return void res.end();
      }
      return this.serveFile(req, res, repo, decodeURIComponent(file));
    }
    json(res, 404, { error: 'Repository not found' });
  }

  private metadata(res: ServerResponse, repo: string): void {
    const entry = this.repos[repo];
    if (!entry) return json(res, 404, { error: 'Repository not found' });
    const siblings = Object.entries(entry.files).map(([rfilename, local]) => {
      const bytes = readFileSync(local);
      if (bytes.length >= LFS_THRESHOLD) {
        return { rfilename, size: bytes.length, blobId: gitBlobId(Buffer.from('pointer')), lfs: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, pointerSize: 134 } };
      }
      return { rfilename, size: bytes.length, blobId: gitBlobId(bytes) };
    });
    json(res, 200, { id: repo, sha: COMMIT, siblings });
  }

  private serveFile(req: IncomingMessage, res: ServerResponse, repo: string, file: string): void {
    const local = this.repos[repo]?.files[file];
    if (!local) return json(res, 404, { error: 'Entry not found' });
    let bytes = readFileSync(local);
    if (this.faults.corrupt === file) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length - 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const body = bytes.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-length': body.length,
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    const cut = this.faults.cutAfter;
    if (cut && cut.path === file) {
      this.faults.cutAfter = undefined;
      res.write(body.subarray(0, cut.bytes), () => res.destroy());
      return;
    }
    res.end(body);
  }
}

const gitBlobId = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A repository of every file of a directory (one level, plus onnx/ when the model file goes there). */
export function repoOf(dir: string, modelPath = 'onnx/model.onnx'): HubRepo {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir)) {
    if (entry === 'infergate.json') continue;
    files[entry === 'model.onnx' ? modelPath : entry] = path.join(dir, entry);
  }
  return { files };
}
