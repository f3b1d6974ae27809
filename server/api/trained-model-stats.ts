/** GET /_ml/trained_models/_stats and /_ml/trained_models/{model_id}/_stats (reference §9.4). */
import { EsError, resourceNotFound } from '../http/errors';
import { paramAsBoolean } from '../http/rest-params';
import type { TrainedModelStats } from '../providers/types';
import { type Handler, pathParam, queryString } from './context';

const wildcardPattern = (expression: string) =>
  new RegExp(`^${expression.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

function matches(entry: TrainedModelStats, pattern: RegExp): boolean {
  return pattern.test(entry.model_id) || (entry.deployment_stats !== undefined && pattern.test(entry.deployment_stats.deployment_id));
}

export const getTrainedModelStats: Handler = (request, response, context) => {
  const all = context.providers.all().flatMap((provider) => provider.trainedModels?.stats() ?? []);
  const expressions = (pathParam(request, 'model_id') ?? '_all').split(',').map((part) => part.trim()).filter(Boolean);
  const allowNoMatch = paramAsBoolean(queryString(request, 'allow_no_match'), true);
  let selected = all;
  if (!expressions.some((expression) => expression === '_all' || expression === '*')) {
    const patterns = expressions.map(wildcardPattern);
    expressions.forEach((expression, index) => {
      const wildcard = expression.includes('*');
      if (!all.some((entry) => matches(entry, patterns[index])) && (!wildcard || !allowNoMatch)) {
        throw resourceNotFound(`No known trained model with model_id [${expression}]`);
      }
    });
    selected = all.filter((entry) => patterns.some((pattern) => matches(entry, pattern)));
  }
  // PageParams: the preflight has checked that both are ints.
  const from = Number(queryString(request, 'from') ?? 0);
  const size = Number(queryString(request, 'size') ?? 100);
  if (from < 0) throw new EsError(400, 'illegal_argument_exception', 'Parameter [from] cannot be < 0');
  if (size < 0) throw new EsError(400, 'illegal_argument_exception', 'Parameter [size] cannot be < 0');
  response.json({ count: selected.length, trained_model_stats: selected.slice(from, from + size) });
};
