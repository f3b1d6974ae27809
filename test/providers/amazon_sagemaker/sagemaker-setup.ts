/** The PUT bodies the amazon_sagemaker tests share. */
import { SAGEMAKER_KEY } from './mock-sagemaker';

export const KEYS = { access_key: SAGEMAKER_KEY.accessKeyId, secret_key: SAGEMAKER_KEY.secretAccessKey };

/** An endpoint on the mock's `<api>-<task>` SageMaker endpoint. */
export function sagemaker(api: string, task: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    service: 'amazon_sagemaker',
    service_settings: { ...KEYS, region: SAGEMAKER_KEY.region, api, endpoint_name: `${api}-${task.replace(/_/g, '-')}`, ...settings },
    ...extra,
  };
}
