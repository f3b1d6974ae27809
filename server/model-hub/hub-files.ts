/**
 * A Hugging Face Hub's metadata of a model repository at a revision (`GET /api/models/<repo>/revision/<rev>
 * ?blobs=true`): each file's path, size and checksum — the sha256 of an LFS file, the git blob id (sha1 of
 * `blob <size>\0<bytes>`) of a small one.
 */
import { z } from 'zod';

export interface HubOptions {
  /** `HF_ENDPOINT`, default https://huggingface.co. */
  endpoint: string;
  /** `HF_TOKEN`, sent as a bearer token to the hub (never to where it redirects). */
  token?: string;
}

export interface HubFile {
  path: string;
  size: number;
  checksum: { algorithm: 'sha256'; hex: string } | { algorithm: 'git-blob-sha1'; hex: string };
}

const siblingSchema = z.object({
  rfilename: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  blobId: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  lfs: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }).optional(),
});
const revisionSchema = z.object({ sha: z.string().optional(), siblings: z.array(siblingSchema) });

/** A repository id as the hub writes them: `owner/name` (or a bare name), no `..`. */
const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$/;

export function checkRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..')) throw new Error(`[${repo}] is not a Hugging Face repository id (owner/name)`);
}

export const hubHeaders = (options: HubOptions): Record<string, string> => (options.token ? { authorization: `Bearer ${options.token}` } : {});

/** The repository's files at `revision`, and the commit it resolved to. */
export async function listFiles(options: HubOptions, repo: string, revision: string): Promise<{ commit?: string; files: HubFile[] }> {
  checkRepoId(repo);
  const url = `${options.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const response = await fetch(url, { headers: hubHeaders(options), signal: AbortSignal.timeout(30_000) });
  if (response.status === 401 || response.status === 403) throw new Error(`the hub refused access to [${repo}] (${response.status}); set HF_TOKEN for a gated or private model`);
  if (response.status === 404) throw new Error(`no repository [${repo}] at revision [${revision}] on ${options.endpoint}`);
  if (!response.ok) throw new Error(`the hub answered ${response.status} for [${repo}]`);
  const parsed = revisionSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`the hub's metadata of [${repo}] is not what a hub sends`);
  const files = parsed.data.siblings.flatMap((sibling): HubFile[] => {
    if (sibling.lfs) return [{ path: sibling.rfilename, size: sibling.lfs.size, checksum: { algorithm: 'sha256', hex: sibling.lfs.sha256 } }];
    if (sibling.blobId && sibling.size !== undefined) return [{ path: sibling.rfilename, size: sibling.size, checksum: { algorithm: 'git-blob-sha1', hex: sibling.blobId } }];
    return [];
  });
  return { commit: parsed.data.sha, files };
}
