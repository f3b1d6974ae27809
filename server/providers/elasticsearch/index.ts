/**
 * The `elasticsearch` service (and its alias `elser`): models run in-process by the local ONNX engine.
 * Endpoints can be created and listed; running them arrives with the local engine.
 */
import { statusException } from '../../http/errors';
import type { CallContext, InferenceProvider } from '../types';

function engineMissing(context: CallContext): never {
  throw statusException(
    400,
    `The local inference engine is not available yet; model [${String(context.endpoint.serviceSettings.model_id)}] of inference endpoint [${context.endpoint.inferenceId}] cannot run`,
  );
}

export function createProvider(): InferenceProvider {
  return {
    textEmbedding: async (context) => engineMissing(context),
    sparseEmbedding: async (context) => engineMissing(context),
    rerank: async (context) => engineMissing(context),
  };
}
