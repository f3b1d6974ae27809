/** What the amazonbedrock tests share: the mocked service, endpoint bodies signed by the mock's key, and calls. */
import { withMockedService } from '../../support/service-setup';
import { BEDROCK_KEY, startMockBedrock } from './mock-amazonbedrock';

export const service = withMockedService('amazonbedrock', startMockBedrock);

export const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';
export const COHERE_EMBED = 'cohere.embed-english-v3';
export const TITAN_TEXT = 'amazon.titan-text-premier-v1:0';
export const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';

export const endpoint = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  service: 'amazonbedrock',
  service_settings: { access_key: BEDROCK_KEY.accessKeyId, secret_key: BEDROCK_KEY.secretAccessKey, region: BEDROCK_KEY.region, ...settings },
  ...extra,
});

export const put = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('PUT', `/_inference/${taskType}/${id}`, body);
export const post = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/${taskType}/${id}`, body);
