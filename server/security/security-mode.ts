/** Whether requests must authenticate: INFERGATE_SECURITY, with auto meaning "whenever the server listens beyond
 * loopback or behind a trusted proxy". */
import type { Config } from '../config';
import { isLoopbackAddress } from './loopback-host';

export function securityEnabled(config: Pick<Config, 'security' | 'host' | 'trustProxy'>): boolean {
  // Behind a reverse proxy the loopback listener is reached from anywhere.
  if (config.security === 'auto') return !isLoopbackAddress(config.host) || config.trustProxy !== false;
  return config.security === 'true';
}
