/** Whether requests must authenticate: INFERGATE_SECURITY, with auto meaning "whenever the server listens beyond
 * loopback". */
import type { Config } from '../config';
import { isLoopbackAddress } from './loopback-host';

export function securityEnabled(config: Pick<Config, 'security' | 'host'>): boolean {
  if (config.security === 'auto') return !isLoopbackAddress(config.host);
  return config.security === 'true';
}
