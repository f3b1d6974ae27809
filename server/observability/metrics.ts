/**
 * The Prometheus metrics (prom-client, a registry per server): HTTP requests by route and status; inference calls
 * per endpoint, service and task type under the OpenTelemetry GenAI semantic-convention names
 * (`gen_ai_client_operation_duration_seconds`, `gen_ai_client_token_usage`) beside infergate's own counters;
 * upstream time, retries and rate-limit waits; and, read when scraped, the local deployments. Labels are names the
 * operator chose (endpoint ids, services, models) and codes — never a secret or an input.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrainedModelStats } from '../providers/types';
import type { RequestScope } from './request-scope';

/** OpenTelemetry's advised buckets for gen_ai.client.operation.duration (seconds) and token usage. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** `gen_ai.operation.name` of each task type (OpenTelemetry's values where it has one). */
const OPERATION_NAMES: Readonly<Record<string, string>> = {
  text_embedding: 'embeddings',
  sparse_embedding: 'embeddings',
  embedding: 'embeddings',
  completion: 'text_completion',
  chat_completion: 'chat',
  rerank: 'rerank',
};

/** `gen_ai.system` of each service, OpenTelemetry's well-known value where it has one, else the service's name. */
const SYSTEMS: Readonly<Record<string, string>> = {
  openai: 'openai',
  azureopenai: 'az.ai.openai',
  azureaistudio: 'az.ai.inference',
  anthropic: 'anthropic',
  amazonbedrock: 'aws.bedrock',
  cohere: 'cohere',
  deepseek: 'deepseek',
  googleaistudio: 'gcp.gemini',
  googlevertexai: 'gcp.vertex_ai',
  groq: 'groq',
  mistral: 'mistral_ai',
  watsonxai: 'ibm.watsonx.ai',
};

const modelOf = (settings: Record<string, unknown>): string => {
  const model = settings.model_id ?? settings.model ?? settings.deployment_id ?? settings.endpoint_name ?? '';
  return typeof model === 'string' ? model : '';
};

export interface DeploymentSource {
  stats(): TrainedModelStats[];
}

export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests (OpenTelemetry http.server.request.duration).',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly operationDuration = new Histogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: 'Duration of inference calls, as the client saw them (OpenTelemetry gen_ai.client.operation.duration).',
    labelNames: ['gen_ai_system', 'gen_ai_operation_name', 'gen_ai_request_model', 'inference_id', 'service', 'task_type', 'error_type'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly tokenUsage = new Histogram({
    name: 'gen_ai_client_token_usage',
    help: 'Tokens the provider reported per call (OpenTelemetry gen_ai.client.token.usage).',
    labelNames: ['gen_ai_system', 'gen_ai_operation_name', 'gen_ai_request_model', 'gen_ai_token_type', 'inference_id'],
    buckets: TOKEN_BUCKETS,
    registers: [this.registry],
  });
  private readonly inferenceRequests = new Counter({
    name: 'infergate_inference_requests_total',
    help: 'Inference calls per endpoint.',
    labelNames: ['inference_id', 'service', 'task_type'],
    registers: [this.registry],
  });
  private readonly inferenceErrors = new Counter({
    name: 'infergate_inference_errors_total',
    help: 'Failed inference calls per endpoint, by the error.type of the answer.',
    labelNames: ['inference_id', 'service', 'task_type', 'error_type'],
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: 'infergate_upstream_request_duration_seconds',
    help: "Time from sending a provider request to its answer's headers, summed over the attempts of one call.",
    labelNames: ['inference_id', 'service', 'task_type'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'infergate_upstream_retries_total',
    help: 'Provider requests sent again (Elasticsearch retry policy).',
    labelNames: ['inference_id', 'service', 'task_type'],
    registers: [this.registry],
  });
  private readonly rateLimitWait = new Histogram({
    name: 'infergate_rate_limit_wait_seconds',
    help: "Time calls waited for the endpoint's rate limit (calls that did not wait are not counted).",
    labelNames: ['inference_id', 'service', 'task_type'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  constructor(deployments: () => DeploymentSource[]) {
    collectDefaultMetrics({ register: this.registry });
    this.deploymentGauges(deployments);
  }

  /** One HTTP request ended: `route` is the spec's path template (or `unmatched`). */
  requestEnded(method: string, route: string, status: number, seconds: number, scope: RequestScope): void {
    this.httpDuration.observe({ http_request_method: method, http_route: route, http_response_status_code: status }, seconds);
    // Inference is a POST; a PUT's validation call is part of creating the endpoint, not an inference call.
    const endpoint = method === 'POST' ? scope.endpoint : undefined;
    if (!endpoint) return;
    const ids = { inference_id: endpoint.inferenceId, service: endpoint.service, task_type: endpoint.taskType };
    const genAi = {
      gen_ai_system: SYSTEMS[endpoint.service] ?? endpoint.service,
      gen_ai_operation_name: OPERATION_NAMES[endpoint.taskType] ?? endpoint.taskType,
      gen_ai_request_model: modelOf(endpoint.serviceSettings),
    };
    const errorType = scope.errorType ?? (status >= 400 ? String(status) : '');
    this.inferenceRequests.inc(ids);
    if (errorType) this.inferenceErrors.inc({ ...ids, error_type: errorType });
    this.operationDuration.observe({ ...genAi, ...ids, error_type: errorType }, seconds);
    if (scope.upstreamAttempts > 0) this.upstreamDuration.observe(ids, scope.upstreamSeconds);
    if (scope.retries > 0) this.retries.inc(ids, scope.retries);
    if (scope.rateLimitWaitSeconds > 0) this.rateLimitWait.observe(ids, scope.rateLimitWaitSeconds);
    const tokens = { ...genAi, inference_id: endpoint.inferenceId };
    if (scope.inputTokens !== undefined) this.tokenUsage.observe({ ...tokens, gen_ai_token_type: 'input' }, scope.inputTokens);
    if (scope.outputTokens !== undefined) this.tokenUsage.observe({ ...tokens, gen_ai_token_type: 'output' }, scope.outputTokens);
  }

  /** The local deployments, as `_ml/trained_models/_stats` has them, read when scraped. */
  private deploymentGauges(deployments: () => DeploymentSource[]): void {
    const gauge = (name: string, help: string, read: (node: NodeStats, deployment: DeploymentStats) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['deployment_id', 'model_id'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const source of deployments()) {
            for (const model of source.stats()) {
              const deployment = model.deployment_stats;
              if (!deployment) continue;
              const labels = { deployment_id: deployment.deployment_id, model_id: deployment.model_id };
              const values = deployment.nodes.map((node) => read(node, deployment)).filter((value): value is number => value !== undefined);
              if (values.length > 0) this.set(labels, values.reduce((sum, value) => sum + value, 0));
            }
          }
        },
      });
    gauge('infergate_local_queue_depth', 'Inputs waiting for the deployment.', (node) => node.number_of_pending_requests);
    gauge('infergate_local_allocations', 'Allocations the deployment runs.', (node) => node.number_of_allocations);
    gauge('infergate_local_inference_count', 'Inputs the deployment has run.', (node) => node.inference_count);
    gauge('infergate_local_rejected_count', 'Requests refused because the queue was full.', (node) => node.rejected_execution_count);
    gauge('infergate_local_average_inference_seconds', 'Model time per input.', (node) => (node.average_inference_time_ms ?? 0) / 1000);
    gauge('infergate_local_average_batch_size', 'Inputs per batch.', (node) => node.average_batch_size);
    gauge('infergate_local_max_batch_size', 'The largest batch so far.', (node) => node.max_batch_size);
  }
}

type DeploymentStats = NonNullable<TrainedModelStats['deployment_stats']>;
type NodeStats = DeploymentStats['nodes'][number];
