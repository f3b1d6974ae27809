/** Every service infergate speaks, by the name the spec gives it. Adding a service: its folder, its spec file
 * (spec/services/), and one line here. */
import { createProvider as ai21 } from './ai21';
import { createProvider as deepseek } from './deepseek';
import { createProvider as elasticsearch } from './elasticsearch';
import { createProvider as fireworksai } from './fireworksai';
import { createProvider as groq } from './groq';
import { createProvider as mistral } from './mistral';
import { createProvider as nvidia } from './nvidia';
import { createProvider as openai } from './openai';
import type { ProviderFactory } from './types';

export const PROVIDERS: Readonly<Record<string, ProviderFactory>> = {
  ai21,
  deepseek,
  elasticsearch,
  fireworksai,
  groq,
  mistral,
  nvidia,
  openai,
};
