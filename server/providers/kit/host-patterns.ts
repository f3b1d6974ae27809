/**
 * INFERGATE_ALLOWED_UPSTREAM_HOSTS patterns: exact host names, `*.example.com` (any subdomain), IP literals and CIDR
 * ranges (`10.0.0.0/8`, `fd00::/8`), each with an optional `:port` (`[::1]:8080` for IPv6). Matching compares strings
 * and uses node's BlockList for addresses: no pattern or host ever becomes a regular expression.
 */
import { BlockList, isIP } from 'node:net';

export interface HostPattern {
  /** The entry as configured, for messages. */
  text: string;
  port?: number;
  matchesHost(host: string): boolean;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;
const isHostName = (name: string) => name.length <= 253 && name.split('.').every((label) => label.length <= 63 && LABEL.test(label));

/** A host as the URL parser gives it, compared as patterns are: lower case, no brackets, no trailing dot. */
export function normaliseHost(host: string): string {
  let value = host.toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  return value.endsWith('.') ? value.slice(0, -1) : value;
}

/** An IPv4-mapped IPv6 address (`::ffff:a9fe:a9fe`, `::ffff:169.254.169.254`) as the IPv4 address it is. */
export function unmapIpv4(address: string): string {
  const lower = address.toLowerCase();
  if (isIP(lower) !== 6 || !lower.startsWith('::ffff:')) return lower;
  const tail = lower.slice('::ffff:'.length);
  if (isIP(tail) === 4) return tail;
  const groups = tail.split(':');
  if (groups.length !== 2) return lower;
  const [high, low] = groups.map((group) => Number.parseInt(group, 16));
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether an address (an IP literal) is in the list, IPv4-mapped IPv6 addresses counted as IPv4. */
export function addressIn(list: BlockList, address: string): boolean {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

function addressPattern(host: string): ((candidate: string) => boolean) | undefined {
  const slash = host.indexOf('/');
  const address = unmapIpv4(slash < 0 ? host : host.slice(0, slash));
  const family = isIP(address);
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (slash < 0) {
    list.addAddress(address, type);
  } else {
    const prefixText = host.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) return undefined;
    list.addSubnet(address, prefix, type);
  }
  return (candidate) => addressIn(list, candidate);
}

/** Splits `host[:port]` (`[v6]:port`; a bare IPv6 address or range has no port). */
function splitPort(entry: string): { host: string; portText?: string } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return { host: entry };
    const rest = entry.slice(close + 1);
    return { host: entry.slice(1, close) + (rest.startsWith('/') ? rest.split(':')[0] : ''), portText: rest.includes(':') ? rest.slice(rest.indexOf(':') + 1) : undefined };
  }
  const colon = entry.indexOf(':');
  if (colon < 0 || entry.indexOf(':', colon + 1) >= 0) return { host: entry };
  return { host: entry.slice(0, colon), portText: entry.slice(colon + 1) };
}

/** One pattern; undefined when the entry is none of the accepted forms. */
export function parseHostPattern(raw: string): HostPattern | undefined {
  const text = raw.trim();
  const { host: rawHost, portText } = splitPort(text.toLowerCase());
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return undefined;
  }
  const host = rawHost.endsWith('.') ? rawHost.slice(0, -1) : rawHost;
  const address = addressPattern(host);
  if (address) return { text, port, matchesHost: (candidate) => isIP(unmapIpv4(candidate)) !== 0 && address(candidate) };
  if (host.startsWith('*.')) {
    const suffix = host.slice(1);
    if (!isHostName(suffix.slice(1))) return undefined;
    return { text, port, matchesHost: (candidate) => candidate.length > suffix.length && candidate.endsWith(suffix) };
  }
  if (!isHostName(host)) return undefined;
  return { text, port, matchesHost: (candidate) => candidate === host };
}

/** The comma-separated variable; throws a message naming the bad entry (the server refuses to start). */
export function parseHostPatterns(raw: string | undefined, variable = 'INFERGATE_ALLOWED_UPSTREAM_HOSTS'): HostPattern[] | undefined {
  const entries = (raw ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  return entries.map((entry) => {
    const pattern = parseHostPattern(entry);
    if (!pattern) {
      throw new Error(`${variable} entries are host names, *.suffix wildcards, IP addresses or CIDR ranges with an optional :port, got [${entry}]`);
    }
    return pattern;
  });
}
