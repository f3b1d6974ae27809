/** Every service infergate speaks, by the name the spec gives it. Adding a service: its folder, its spec file
 * (spec/services/), and one line here. */
import { createProvider as deepseek } from './deepseek';
import { createProvider as elasticsearch } from './elasticsearch';
import { createProvider as openai } from './openai';
import type { ProviderFactory } from './types';

export const PROVIDERS: Readonly<Record<string, ProviderFactory>> = {
  deepseek,
  elasticsearch,
  openai,
};
