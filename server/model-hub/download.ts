/**
 * Downloads one file of a hub repository into a partial file, resuming from what is already there (an HTTP Range
 * request), and checks it against the hub's checksum before it counts as done. A file that does not match is
 * deleted, never kept.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync, unlinkSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hubHeaders, type HubFile, type HubOptions } from './hub-files';

export type Progress = (bytes: number) => void;

/** The file's checksum as the hub computes it. */
async function checksumOf(path: string, file: HubFile): Promise<string> {
  const hash = createHash(file.checksum.algorithm === 'sha256' ? 'sha256' : 'sha1');
  if (file.checksum.algorithm === 'git-blob-sha1') hash.update(`blob ${statSync(path).size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class ChecksumMismatch extends Error {}

/** Fetches `file` of `repo` at `revision` to `target` (resuming a partial one); resolves once it is verified. */
export async function downloadFile(options: HubOptions, repo: string, revision: string, file: HubFile, target: string, progress: Progress): Promise<void> {
  let have = existsSync(target) ? statSync(target).size : 0;
  if (have > file.size) {
    unlinkSync(target);
    have = 0;
  }
  progress(have);
  if (have < file.size) {
    const url = `${options.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.path.split('/').map(encodeURIComponent).join('/')}`;
    // fetch drops the Authorization header when the hub redirects elsewhere (its CDN), as it should.
    const response = await fetch(url, { headers: { ...hubHeaders(options), ...(have > 0 ? { range: `bytes=${have}-` } : {}) } });
    if (response.status !== 200 && response.status !== 206) throw new Error(`the hub answered ${response.status} for ${file.path}`);
    // A server that ignores the range sends the whole file again: start over.
    const append = have > 0 && response.status === 206;
    if (!append) have = 0;
    progress(have);
    const counted = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    counted.on('data', (chunk: Buffer) => progress((have += chunk.length)));
    await pipeline(counted, createWriteStream(target, { flags: append ? 'a' : 'w' }));
  }
  const actual = await checksumOf(target, file);
  if (actual !== file.checksum.hex) {
    unlinkSync(target);
    throw new ChecksumMismatch(`${file.path}: ${file.checksum.algorithm} ${actual} is not the hub's ${file.checksum.hex}; the file was deleted`);
  }
}
