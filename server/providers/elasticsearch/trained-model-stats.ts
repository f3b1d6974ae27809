/** The `_ml/trained_models/_stats` entries (reference §9.4): one per deployment, then one per installed model that
 * no deployment uses. This server is the one node. */
import type { Deployment } from '../../engine/deployment';
import type { TrainedModelStats } from '../types';

type DeploymentStats = NonNullable<TrainedModelStats['deployment_stats']>;
type AllocationState = DeploymentStats['allocation_status']['state'];

const NODE_ID = 'infergate';

function allocationState(count: number, target: number): AllocationState {
  if (count >= target) return 'fully_allocated';
  return count === 0 ? 'starting' : 'started';
}

export function deploymentStats(deployment: Deployment): TrainedModelStats {
  const { counters, settings } = deployment;
  const count = deployment.allocationCount;
  const target = deployment.targetAllocationCount;
  const stats: DeploymentStats = {
    deployment_id: deployment.id,
    model_id: deployment.modelId,
    state: deployment.state,
    threads_per_allocation: settings.threads,
    number_of_allocations: target,
    queue_capacity: deployment.queueCapacity,
    priority: 'normal',
    allocation_status: { allocation_count: count, target_allocation_count: target, state: allocationState(count, target) },
    inference_count: counters.inferenceCount,
    peak_throughput_per_minute: counters.peakPerMinute,
    start_time: deployment.startTime,
    nodes: [
      {
        node: { [NODE_ID]: { name: NODE_ID, roles: ['ml'] } },
        routing_state: { routing_state: deployment.state === 'started' ? 'started' : deployment.state },
        inference_count: counters.inferenceCount,
        average_inference_time_ms: counters.averageInferenceMs,
        number_of_pending_requests: deployment.pendingInputs,
        rejected_execution_count: counters.rejectedCount,
        timeout_count: counters.timeoutCount,
        error_count: counters.errorCount,
        peak_throughput_per_minute: counters.peakPerMinute,
        throughput_last_minute: counters.throughputLastMinute,
        number_of_allocations: count,
        threads_per_allocation: settings.threads,
        start_time: deployment.startTime,
        batch_count: counters.batchCount,
        average_batch_size: counters.averageBatchSize,
        max_batch_size: counters.maxBatchSize,
        padding_ratio: counters.paddingRatio,
      },
    ],
  };
  if (settings.adaptive) {
    stats.adaptive_allocations = {
      enabled: settings.adaptive.enabled,
      min_number_of_allocations: settings.adaptive.min,
      max_number_of_allocations: settings.adaptive.max,
    };
  }
  return { model_id: deployment.modelId, pipeline_count: 0, deployment_stats: stats };
}
