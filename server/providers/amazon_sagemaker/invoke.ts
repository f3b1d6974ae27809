/** The two SageMaker Runtime operations, signed per attempt: InvokeEndpoint (the answer's text) and
 * InvokeEndpointWithResponseStream (its frames, JSON checked by the caller's schema). */
import type { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import type { ProviderErrorDetails } from '../kit/error-details';
import { errorFor, sdkRetryPolicy } from './errors';
import { sageMakerFrames } from './frames';
import { apiOf, invocationHeaders, invocationUrl, signerOf } from './settings';

function options(context: CallContext, stream: boolean): RequestOptions {
  return {
    name: 'SageMaker',
    policy: sdkRetryPolicy,
    errorFor,
    // The SDK rate-limits (and Elasticsearch has no rate_limit setting for SageMaker).
    rateLimited: false,
    contentType: 'application/json',
    headers: invocationHeaders(context, stream),
    sign: signerOf(context),
  };
}

export const invoke = (client: ProviderClient, context: CallContext, body: unknown): Promise<string> =>
  client.postText(context, invocationUrl(context, false), body, options(context, false));

/** A chunk that is not JSON, or not the api's, is the provider's error as it is. */
const asItIs = (_json: unknown, text: string): ProviderErrorDetails => ({ message: text });

export function invokeStream<S extends z.ZodTypeAny>(client: ProviderClient, context: CallContext, body: unknown, schema: S): AsyncGenerator<z.infer<S>> {
  const { inferenceId, secrets } = context.endpoint;
  return client.postEventStream(context, invocationUrl(context, true), body, schema, {
    ...options(context, true),
    framing: sageMakerFrames(apiOf(context), { inferenceId, secrets }),
    doneData: '[DONE]',
    streamError: asItIs,
  });
}
