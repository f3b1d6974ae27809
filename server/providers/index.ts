/** Every service infergate speaks, by the name the spec gives it. Adding a service: its folder, its spec file
 * (spec/services/), its import and its entry here. */
import { createProvider as ai21 } from './ai21';
import { createProvider as alibabacloudAiSearch } from './alibabacloud-ai-search';
import { createProvider as anthropic } from './anthropic';
import { createProvider as azureaistudio } from './azureaistudio';
import { createProvider as amazonbedrock } from './amazonbedrock';
import { createProvider as amazonSagemaker } from './amazon_sagemaker';
import { createProvider as azureopenai } from './azureopenai';
import { createProvider as contextualai } from './contextualai';
import { createProvider as cohere } from './cohere';
import { createProvider as custom } from './custom';
import { createProvider as deepseek } from './deepseek';
import { createProvider as elasticsearch } from './elasticsearch';
import { createProvider as fireworksai } from './fireworksai';
import { createProvider as googleaistudio } from './googleaistudio';
import { createProvider as googlevertexai } from './googlevertexai';
import { createProvider as groq } from './groq';
import { createProvider as jinaai } from './jinaai';
import { createProvider as hugging_face } from './hugging_face';
import { createProvider as hugging_face_elser } from './hugging_face/elser';
import { createProvider as llama } from './llama';
import { createProvider as mistral } from './mistral';
import { createProvider as nvidia } from './nvidia';
import { createProvider as openai } from './openai';
import { createProvider as openshift_ai } from './openshift_ai';
import { createProvider as voyageai } from './voyageai';
import { createProvider as watsonxai } from './watsonxai';
import type { ProviderFactory } from './types';

export const PROVIDERS: Readonly<Record<string, ProviderFactory>> = {
  ai21,
  'alibabacloud-ai-search': alibabacloudAiSearch,
  anthropic,
  azureaistudio,
  amazonbedrock,
  amazon_sagemaker: amazonSagemaker,
  azureopenai,
  contextualai,
  cohere,
  custom,
  deepseek,
  elasticsearch,
  fireworksai,
  googleaistudio,
  googlevertexai,
  groq,
  jinaai,
  hugging_face,
  hugging_face_elser,
  llama,
  mistral,
  nvidia,
  openai,
  openshift_ai,
  voyageai,
  watsonxai,
};
