/** Settings, read from the environment (documented in README.md). Tests build them with overrides. */
import { availableParallelism, totalmem } from 'node:os';
import path from 'node:path';
import { parseTimeValue } from './http/time-value';
import { parseUpstreamOrigins, type UpstreamOrigins } from './providers/kit/upstream-origins';
import { parseHostPatterns, type HostPattern } from './providers/kit/host-patterns';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** INFERGATE_DATABASE_URL: endpoints and rate limits in this PostgreSQL database (shared by replicas) instead of
   * the data dir's SQLite file and each process's own buckets. May carry a password: never logged as it is (server/store/postgres-pool.ts redacts it). */
  databaseUrl: string | undefined;
  /** INFERGATE_ENCRYPTION_KEY: the key secret settings are sealed with; unset: `encryption.key` in the data dir. */
  encryptionKey: string | undefined;
  modelsDirs: string[];
  skipValidation: boolean;
  /** INFERGATE_AUTO_PULL: a built-in model id that is not installed is pulled from the hub when an endpoint needs it. */
  autoPull: boolean;
  /** HF_ENDPOINT and HF_TOKEN: the Hugging Face Hub models are pulled from (the token is never logged). */
  hub: { endpoint: string; token?: string };
  logLevel: string;
  validateResponses: boolean;
  maxBodyBytes: number;
  /** INFERGATE_MAX_BODIES_IN_FLIGHT: bytes of request bodies held at once over all requests; beyond, 429. */
  maxBodiesInFlightBytes: number;
  /** Sockets the HTTP server holds at once; more are closed as they arrive (INFERGATE_MAX_CONNECTIONS). */
  maxConnections: number;
  /** A request's headers must all arrive within this long (INFERGATE_HEADERS_TIMEOUT). */
  headersTimeoutMs: number;
  /** A request, headers and body, must all arrive within this long; the response may take longer. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long (INFERGATE_KEEP_ALIVE_TIMEOUT). */
  keepAliveTimeoutMs: number;
  /** Default `timeout` of inference calls; completion and chat_completion have their own. */
  defaultTimeoutMs: number;
  defaultCompletionTimeoutMs: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Retries stop once this much time has passed since the first attempt (or the call's timeout, if sooner). */
  retryWindowMs: number;
  /** The window that `rate_limit.requests_per_minute` refers to: one minute, shortened in tests. */
  rateLimitIntervalMs: number;
  shutdownTimeoutMs: number;
  upstreamConnections: number;
  /** Concurrent embedding calls of one endpoint share upstream requests (INFERGATE_COALESCE_EMBEDDINGS, default on). */
  coalesceEmbeddings: boolean;
  /** How long their batches wait for company while a request of theirs is in flight (INFERGATE_COALESCE_WINDOW). */
  coalesceWindowMs: number;
  /** Per service or auth endpoint, the origin its requests go to instead (INFERGATE_UPSTREAM_ORIGINS). */
  upstreamOrigins: UpstreamOrigins;
  /** Where requests to providers may go (INFERGATE_ALLOWED_UPSTREAM_HOSTS); undefined: anywhere but link-local and
   * cloud-metadata hosts. */
  allowedUpstreamHosts: HostPattern[] | undefined;
  /** Built-in model ids (`.multilingual-e5-small`, ...) and the model directory that stands behind each. */
  builtinModels: Record<string, string>;
  /** How many inputs may wait for one local deployment before requests are refused with 429. */
  queueCapacity: number;
  /** The most inputs one batch of a local model holds. */
  maxBatchSize: number;
  /** Adaptive allocations: an allocation idle this long is stopped (down to one). */
  adaptiveScaleDownAfterMs: number;
  /** Adaptive allocations with a minimum of 0: the last allocation is stopped (model unloaded) after this long idle. */
  adaptiveScaleToZeroAfterMs: number;
  /** The cores adaptive allocations may occupy (allocations x threads). */
  cpus: number;
  /** Allocations × threads the local engine may run over all deployments (INFERGATE_MAX_LOCAL_THREADS). */
  maxLocalThreads: number;
  /** Estimated memory of every local allocation's model session together (INFERGATE_MAX_LOCAL_MEMORY). */
  maxLocalMemoryBytes: number;
  /** INFERGATE_SECURITY: auto turns authentication on whenever the server listens beyond loopback. */
  security: SecurityMode;
  /** INFERGATE_USERS_FILE / INFERGATE_USERS_ROLES_FILE: the file realm, in Elasticsearch's `users`/`users_roles` formats. */
  usersFile: string | undefined;
  usersRolesFile: string | undefined;
  /** INFERGATE_BOOTSTRAP_PASSWORD: the first password of `elastic` (used only while it has none). */
  bootstrapPassword: string | undefined;
  /** Failed authentication attempts one client address may make per window before it must wait (0: no limit). */
  authFailureLimit: number;
  authFailureWindowMs: number;
  /** INFERGATE_TRUST_PROXY: Express's `trust proxy` (true, a hop count, or addresses/subnets), so that the client
   * address comes from X-Forwarded-For; set, it also turns security on under `auto`. */
  trustProxy: boolean | number | string;
}

function trustProxy(env: Env): boolean | number | string {
  const raw = (env.INFERGATE_TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export type SecurityMode = 'auto' | 'true' | 'false';

function securityMode(env: Env): SecurityMode {
  const raw = (env.INFERGATE_SECURITY ?? 'auto').trim().toLowerCase() || 'auto';
  if (raw !== 'auto' && raw !== 'true' && raw !== 'false') throw new Error(`INFERGATE_SECURITY must be auto, true or false, got [${raw}]`);
  return raw;
}

type Env = Record<string, string | undefined>;

const duration = (env: Env, name: string, fallback: string): number => parseTimeValue(env[name] ?? fallback, name).ms;

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got [${raw}]`);
  return value;
}

function bytes(env: Env, name: string, fallback: string): number {
  const raw = (env[name] ?? fallback).trim().toLowerCase();
  const match = /^(\d+)(b|kb|mb|gb)?$/.exec(raw);
  if (!match) throw new Error(`${name} must be a size such as 100mb, got [${raw}]`);
  const scale = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b') as 'b' | 'kb' | 'mb' | 'gb'];
  return Number(match[1]) * scale;
}

/** The built-in ids of Elasticsearch's models, each backed by a model directory of the same spirit. The
 * `_linux-x86_64` variants resolve to their platform-agnostic id unless mapped themselves. */
export const DEFAULT_BUILTIN_MODELS: Readonly<Record<string, string>> = {
  '.multilingual-e5-small': 'multilingual-e5-small',
  '.elser_model_2': 'elser_model_2',
  '.elser_model_1': 'elser_model_1',
  '.rerank-v1': 'rerank-v1',
};

/** `INFERGATE_BUILTIN_MODELS=.multilingual-e5-small=my-e5,.rerank-v1=my-reranker` overrides entries of the map. */
function builtinModels(env: Env): Record<string, string> {
  const map: Record<string, string> = { ...DEFAULT_BUILTIN_MODELS };
  for (const pair of (env.INFERGATE_BUILTIN_MODELS ?? '').split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new Error(`INFERGATE_BUILTIN_MODELS entries look like .rerank-v1=my-model-dir, got [${pair}]`);
    map[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return map;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    port: integer(env, 'PORT', 9200),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.INFERGATE_DATA_DIR ?? 'data'),
    databaseUrl: env.INFERGATE_DATABASE_URL || undefined,
    encryptionKey: env.INFERGATE_ENCRYPTION_KEY,
    modelsDirs: (env.INFERGATE_MODELS_DIR ?? 'models').split(path.delimiter).filter(Boolean).map((dir) => path.resolve(dir)),
    skipValidation: bool(env, 'INFERGATE_SKIP_VALIDATION', false),
    autoPull: bool(env, 'INFERGATE_AUTO_PULL', false),
    hub: { endpoint: (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''), token: env.HF_TOKEN || undefined },
    logLevel: env.INFERGATE_LOG_LEVEL ?? 'info',
    validateResponses: bool(env, 'INFERGATE_VALIDATE_RESPONSES', false),
    maxBodyBytes: bytes(env, 'INFERGATE_MAX_BODY', '100mb'),
    maxBodiesInFlightBytes: bytes(env, 'INFERGATE_MAX_BODIES_IN_FLIGHT', '256mb'),
    maxConnections: Math.max(1, integer(env, 'INFERGATE_MAX_CONNECTIONS', 1024)),
    headersTimeoutMs: duration(env, 'INFERGATE_HEADERS_TIMEOUT', '30s'),
    requestTimeoutMs: duration(env, 'INFERGATE_REQUEST_TIMEOUT', '60s'),
    keepAliveTimeoutMs: duration(env, 'INFERGATE_KEEP_ALIVE_TIMEOUT', '65s'),
    defaultTimeoutMs: duration(env, 'INFERGATE_DEFAULT_TIMEOUT', '30s'),
    defaultCompletionTimeoutMs: duration(env, 'INFERGATE_DEFAULT_COMPLETION_TIMEOUT', '120s'),
    retryInitialDelayMs: duration(env, 'INFERGATE_RETRY_INITIAL_DELAY', '1s'),
    retryMaxDelayMs: duration(env, 'INFERGATE_RETRY_MAX_DELAY', '5s'),
    retryWindowMs: duration(env, 'INFERGATE_RETRY_WINDOW', '30s'),
    rateLimitIntervalMs: duration(env, 'INFERGATE_RATE_LIMIT_INTERVAL', '1m'),
    shutdownTimeoutMs: duration(env, 'INFERGATE_SHUTDOWN_TIMEOUT', '30s'),
    upstreamConnections: integer(env, 'INFERGATE_UPSTREAM_CONNECTIONS', 64),
    coalesceEmbeddings: bool(env, 'INFERGATE_COALESCE_EMBEDDINGS', true),
    coalesceWindowMs: duration(env, 'INFERGATE_COALESCE_WINDOW', '2ms'),
    upstreamOrigins: parseUpstreamOrigins(env.INFERGATE_UPSTREAM_ORIGINS),
    allowedUpstreamHosts: parseHostPatterns(env.INFERGATE_ALLOWED_UPSTREAM_HOSTS),
    builtinModels: builtinModels(env),
    queueCapacity: integer(env, 'INFERGATE_QUEUE_CAPACITY', 1024),
    maxBatchSize: Math.max(1, integer(env, 'INFERGATE_MAX_BATCH_SIZE', 32)),
    adaptiveScaleDownAfterMs: duration(env, 'INFERGATE_ADAPTIVE_SCALE_DOWN_AFTER', '30s'),
    adaptiveScaleToZeroAfterMs: duration(env, 'INFERGATE_ADAPTIVE_SCALE_TO_ZERO_AFTER', '15m'),
    cpus: Math.max(1, integer(env, 'INFERGATE_CPUS', availableParallelism())),
    maxLocalThreads: Math.max(1, integer(env, 'INFERGATE_MAX_LOCAL_THREADS', 16 * availableParallelism())),
    maxLocalMemoryBytes: env.INFERGATE_MAX_LOCAL_MEMORY ? bytes(env, 'INFERGATE_MAX_LOCAL_MEMORY', '0') : Math.floor(totalmem() / 2),
    security: securityMode(env),
    usersFile: env.INFERGATE_USERS_FILE || undefined,
    usersRolesFile: env.INFERGATE_USERS_ROLES_FILE || undefined,
    bootstrapPassword: env.INFERGATE_BOOTSTRAP_PASSWORD || undefined,
    authFailureLimit: integer(env, 'INFERGATE_AUTH_FAILURE_LIMIT', 20),
    authFailureWindowMs: duration(env, 'INFERGATE_AUTH_FAILURE_WINDOW', '1m'),
    trustProxy: trustProxy(env),
    ...overrides,
  };
  // Node refuses a headers timeout longer than the request timeout that contains it.
  if (config.requestTimeoutMs > 0 && config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new Error(`INFERGATE_HEADERS_TIMEOUT [${config.headersTimeoutMs}ms] must not be longer than INFERGATE_REQUEST_TIMEOUT [${config.requestTimeoutMs}ms]`);
  }
  // A key file in one replica's data dir would seal secrets the other replicas cannot open.
  if (config.databaseUrl && !config.encryptionKey) {
    throw new Error('INFERGATE_DATABASE_URL needs INFERGATE_ENCRYPTION_KEY: every replica must seal secrets with the same key');
  }
  return config;
}
