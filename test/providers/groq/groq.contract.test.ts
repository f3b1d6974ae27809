/** The shared provider contract for `groq`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { GROQ_API_KEY, startMockGroq } from './mock-groq';

describeProviderContract({
  service: 'groq',
  taskTypes: ['chat_completion'],
  startMock: startMockGroq,
  putBody: () => ({ service: 'groq', service_settings: { api_key: GROQ_API_KEY, model_id: 'llama-3.3-70b-versatile' } }),
  route: () => 'chat',
  secrets: [GROQ_API_KEY],
});
