/** GET /metrics: the Prometheus text format. */
import type { Handler } from './context';

export const getMetrics: Handler = async (_request, response, context) => {
  const text = await context.metrics.registry.metrics();
  response.status(200).set('content-type', context.metrics.registry.contentType).end(text);
};
