/** Turning a provider's scores into a rerank answer: by relevance, cut to `top_n`, with the documents' text. */
import type { RerankResult } from '../types';

export interface Scored {
  index: number;
  relevance_score: number;
}

/** Highest score first (a stable sort: ties keep the provider's order), at most `topN`, with `text` taken from the
 * request's inputs when `withText`. An index outside the inputs is the provider's mistake, reported by the caller. */
export function rankedByRelevance(scores: readonly Scored[], documents: readonly string[], topN?: number, withText = false): RerankResult {
  const sorted = [...scores].sort((a, b) => b.relevance_score - a.relevance_score);
  const kept = topN === undefined ? sorted : sorted.slice(0, topN);
  return {
    rerank: kept.map(({ index, relevance_score }) => ({ index, relevance_score, ...(withText ? { text: documents[index] } : {}) })),
  };
}

/** Whether every index names one of `count` inputs. */
export const indexesWithin = (scores: readonly Scored[], count: number): boolean => scores.every(({ index }) => index < count);
