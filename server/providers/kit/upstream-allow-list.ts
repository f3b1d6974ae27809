/**
 * Where outbound provider requests may go. With INFERGATE_ALLOWED_UPSTREAM_HOSTS set, only to hosts it matches;
 * unset, anywhere except link-local and cloud-metadata addresses and names, which a user-supplied `url` could
 * otherwise aim at (169.254.169.254 hands out cloud credentials) unless a pattern allows them explicitly. Operator
 * origins (INFERGATE_UPSTREAM_ORIGINS) are not user input and always allowed. Checked on the URL (at PUT and
 * `_update`, and before each request) and on every address a name resolves to, when the connection is made.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { statusException, validationException, type EsError } from '../../http/errors';
import { addressIn, normaliseHost, type HostPattern } from './host-patterns';
import type { UpstreamOrigins } from './upstream-origins';

export const ALLOW_LIST_VARIABLE = 'INFERGATE_ALLOWED_UPSTREAM_HOSTS';

const REFUSED_BY_DEFAULT = new BlockList();
REFUSED_BY_DEFAULT.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local; AWS, Azure, GCP, OpenStack metadata
REFUSED_BY_DEFAULT.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
REFUSED_BY_DEFAULT.addAddress('192.0.0.192', 'ipv4'); // Oracle Cloud metadata
REFUSED_BY_DEFAULT.addSubnet('fe80::', 10, 'ipv6'); // link-local
REFUSED_BY_DEFAULT.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : protocol === 'http:' ? 80 : undefined);

/** Why a URL is refused: its host as the message names it. */
export interface Refusal {
  host: string;
}

export class UpstreamAllowList {
  private readonly operatorHosts: Set<string>;
  private readonly operatorOrigins: Set<string>;

  constructor(
    private readonly patterns: readonly HostPattern[] | undefined,
    operatorOrigins: UpstreamOrigins = {},
  ) {
    this.operatorOrigins = new Set(Object.values(operatorOrigins));
    this.operatorHosts = new Set(Object.values(operatorOrigins).map((origin) => normaliseHost(new URL(origin).hostname)));
  }

  private matches(host: string, port: number | undefined): boolean {
    return (this.patterns ?? []).some((pattern) => pattern.matchesHost(host) && (pattern.port === undefined || pattern.port === port));
  }

  private refusedByDefault(host: string): boolean {
    return isIP(host) ? addressIn(REFUSED_BY_DEFAULT, host) : METADATA_NAMES.has(host);
  }

  /** Whether a request may go to this host and port. */
  hostAllowed(rawHost: string, port?: number): boolean {
    const host = normaliseHost(rawHost);
    if (this.operatorHosts.has(host)) return true;
    if (this.patterns) return this.matches(host, port);
    return !this.refusedByDefault(host);
  }

  /** A refusal when the URL may not be requested; undefined for an allowed one or one that is no absolute URL
   * (which cannot be requested at all, and fails as such). */
  checkUrl(url: string): Refusal | undefined {
    if (!URL.canParse(url)) return undefined;
    const parsed = new URL(url);
    if (this.operatorOrigins.has(parsed.origin)) return undefined;
    const port = parsed.port === '' ? defaultPort(parsed.protocol) : Number(parsed.port);
    return this.hostAllowed(parsed.hostname, port) ? undefined : { host: normaliseHost(parsed.hostname) };
  }

  /** Whether a connection to `hostname` may use `address`, one it resolved to: a link-local or metadata address
   * only when a pattern names it or the host explicitly. */
  addressAllowed(hostname: string, address: string): boolean {
    const host = normaliseHost(hostname);
    if (this.operatorHosts.has(host) || !addressIn(REFUSED_BY_DEFAULT, address)) return true;
    return this.matches(address.toLowerCase(), undefined) || (this.patterns ?? []).some((pattern) => pattern.matchesHost(host));
  }

  /** A `lookup` for net/tls connections that resolves as usual and refuses what `addressAllowed` refuses. */
  lookup(): typeof dnsLookup {
    const guarded = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, options.all ? [] : '', 0);
        const refused = addresses.find((entry) => !this.addressAllowed(hostname, entry.address));
        if (refused) return callback(new UpstreamHostRefused(hostname, refused.address), options.all ? [] : '', 0);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
    return guarded as unknown as typeof dnsLookup;
  }
}

/** A connection refused because its host resolved to an address the allow-list refuses. */
export class UpstreamHostRefused extends Error {
  readonly code = 'ERR_INFERGATE_HOST_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`The host [${host}] resolves to [${address}], which is not allowed by ${ALLOW_LIST_VARIABLE}`);
  }
}

/** The error, or one of its causes, that is an UpstreamHostRefused. */
export function hostRefusalIn(error: unknown): UpstreamHostRefused | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof UpstreamHostRefused) return current;
  }
  return undefined;
}

/** `url` without the user name and password of its userinfo, for messages. */
export function withoutCredentials(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

const notAllowed = (host: string, address?: string) =>
  `The host [${host}]${address ? ` resolves to [${address}], which` : ''} is not allowed by ${ALLOW_LIST_VARIABLE}`;

/** A request the transport refuses (the setting it came from is not known there). */
export const hostNotAllowed = (url: string, host: string, address?: string): EsError =>
  statusException(400, `Invalid url [${withoutCredentials(url)}] received. ${notAllowed(host, address)}`);

/** A user-supplied URL setting refused at PUT or `_update`. */
export const settingNotAllowed = (field: string, url: string, host: string): EsError =>
  validationException([`[service_settings] Invalid url [${withoutCredentials(url)}] received for field [${field}]. ${notAllowed(host)}`]);

/** The first of the `fields` of `settings` (user-supplied URLs) that the allow-list refuses, as an error. */
export function checkUserUrls(allowList: UpstreamAllowList, settings: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = settings[field];
    if (typeof value !== 'string') continue;
    const refusal = allowList.checkUrl(value);
    if (refusal) throw settingNotAllowed(field, value, refusal.host);
  }
}
