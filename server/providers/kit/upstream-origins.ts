/**
 * `INFERGATE_UPSTREAM_ORIGINS=mistral=http://127.0.0.1:9001,azureopenai=https://llm-gw.internal`: per service (or
 * auth endpoint: `google-oauth`, `ibm-iam`, `azure-entra`), an origin that replaces the scheme, host and port of
 * every request infergate sends for it, keeping the real path and query. For private gateways, egress proxies and
 * tests.
 */
export type UpstreamOrigins = Readonly<Record<string, string>>;

const NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/** Parses the variable; throws a message naming the bad entry (the server refuses to start). */
export function parseUpstreamOrigins(raw: string | undefined, variable = 'INFERGATE_UPSTREAM_ORIGINS'): UpstreamOrigins {
  const origins: Record<string, string> = {};
  for (const entry of (raw ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, Math.max(0, at)).trim();
    const value = entry.slice(at + 1).trim();
    if (at <= 0 || !NAME.test(name)) throw new Error(`${variable} entries look like mistral=http://127.0.0.1:9001, got [${entry}]`);
    origins[name] = originOf(value, `${variable} entry [${name}]`);
  }
  return origins;
}

/** `scheme://host[:port]` of an http(s) URL that has nothing else (a trailing `/` is allowed). */
export function originOf(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL: [${value}]`);
  }
  const bare = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
    throw new Error(`${what} must be an http or https origin such as http://127.0.0.1:9001, got [${value}]`);
  }
  return url.origin;
}

/** `url` with the origin configured for `name`, or `url` unchanged. */
export function withUpstreamOrigin(origins: UpstreamOrigins, name: string, url: string): string {
  const origin = Object.hasOwn(origins, name) ? origins[name] : undefined;
  if (!origin || !URL.canParse(url)) return url;
  const target = new URL(url);
  return origin + target.pathname + target.search;
}
