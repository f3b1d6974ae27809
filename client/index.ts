export { createInfergateClient, InfergateClient, type InfergateClientOptions } from './client';
export { InfergateError, isElasticsearchError, isUnifiedError, type ErrorEnvelope } from './errors';
export { parseEventStream, type EventStream, type StreamEvent } from './sse';
export type * from './types';
export type { components, operations, paths } from '../generated/openapi';
