/** PUT, GET and DELETE /_inference/_region_policy (reference §2.9). The policy governs the Elastic Inference Service,
 * which infergate does not offer: it is stored and served, and no endpoint is ever denied by it, so `force` (apply
 * even when in-use endpoints would be denied) has nothing to override. */
import { EsError, resourceNotFound } from '../http/errors';
import { requestBodySchema } from '../openapi/document';
import { regionPolicyBodyError } from '../es-messages/region-policy-errors';
import { principalOf } from '../security/principal';
import type { RegionPolicy } from '../store/region-policy-store';
import { type Handler, rawBody } from './context';

const notConfigured = () => resourceNotFound('No region policy is configured for this deployment');

export const putRegionPolicy: Handler = (request, response, context) => {
  const raw = rawBody(request);
  if (raw.trim() === '') throw new EsError(400, 'parse_exception', 'body is required');
  const schema = requestBodySchema(context.operations.get('putRegionPolicy')!)!;
  const { errors } = context.validator.validate(schema, request.body);
  const error = regionPolicyBodyError(errors, request.body, raw);
  if (error) throw error;
  const policy = (request.body as { region_policy: RegionPolicy }).region_policy;
  const doc = context.regionPolicies.put(policy, principalOf(response)?.username);
  context.logger.info({ regionPolicy: policy }, doc.updated_at ? 'region policy updated' : 'region policy created');
  response.json(doc);
};

export const getRegionPolicy: Handler = (_request, response, context) => {
  const doc = context.regionPolicies.get();
  if (!doc) throw notConfigured();
  response.json(doc);
};

export const deleteRegionPolicy: Handler = (_request, response, context) => {
  if (!context.regionPolicies.delete()) throw notConfigured();
  context.logger.info('region policy deleted');
  response.json({ acknowledged: true });
};
