/** completion and chat_completion on Gemini, as Elasticsearch's GoogleVertexAiUnifiedChatCompletionRequestEntity
 * writes the body and its streaming processors read the answers; and the settings a chat endpoint needs. */
import { expectEventStream, framesOf, onlyErrorFrame, postRaw, DONE_FRAME } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { CLAUDE_ANSWER } from './mock-anthropic';
import { MODEL_VERSION, SERVICE_ACCOUNT, startMockGoogleVertexAi } from './mock-googlevertexai';

const service = withMockedService('googlevertexai', startMockGoogleVertexAi, { origins: ['google-oauth'] });
const gemini = { service_account_json: SERVICE_ACCOUNT.json, project_id: 'vertex-project-1', location: 'us-east5', model_id: 'gemini-2.5-flash' };
const put = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('PUT', `/_inference/${taskType}/${id}`, body);
const dataOf = (text: string) => framesOf(text).map((frame) => frame.data).filter((data) => data !== '[DONE]').map((data) => JSON.parse(data));
const ANSWER = 'Elastic is the company behind Elasticsearch, a search and analytics engine.';

describe('completion', () => {
  test('`:generateContent` (locations/global on the regional host, as Elasticsearch builds it); the text of the answer', async () => {
    const id = newId('gva-compl');
    const created = await put('completion', id, { service: 'googlevertexai', service_settings: gemini, task_settings: { thinking_config: { thinking_budget: 256 } } });
    expect(created.json).toMatchObject({
      service_settings: { project_id: 'vertex-project-1', location: 'us-east5', model_id: 'gemini-2.5-flash', provider: 'GOOGLE', rate_limit: { requests_per_minute: 1000 } },
      task_settings: { thinking_config: { thinking_budget: 256 } },
    });
    service.mock.reset();
    const result = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(result.json).toEqual({ completion: [{ result: ANSWER }] });
    const sent = onlyRequest(service.mock, 'generate');
    expect(sent.path).toBe('/v1/projects/vertex-project-1/locations/global/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(sent.rawBody).toBe('{"contents":[{"role":"user","parts":[{"text":"What is Elastic?"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":256}}}');
  });

  test('its stream: `:streamGenerateContent?alt=sse`, each chunk\'s text a delta', async () => {
    const id = newId('gva-compl-stream');
    await createEndpoint(service, 'completion', id, { service: 'googlevertexai', service_settings: gemini, task_settings: { max_tokens: 64 } });
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'What is Elastic?' });
    expectEventStream(response, 200);
    const deltas = dataOf(response.text).map((event) => event.completion[0].delta);
    expect(deltas.join('')).toBe(ANSWER);
    expect(deltas.length).toBeGreaterThan(1);
    const sent = onlyRequest(service.mock, 'generate');
    expect(sent.path).toBe('/v1/projects/vertex-project-1/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent');
    expect(sent.query).toEqual({ alt: 'sse' });
    expect(bodyOf(sent).generationConfig).toEqual({ maxOutputTokens: 64 });
  });
});

describe('chat_completion', () => {
  let id: string;
  beforeAll(async () => {
    id = newId('gva-chat');
    await createEndpoint(service, 'chat_completion', id, { service: 'googlevertexai', service_settings: gemini });
  });
  const chat = (body: Record<string, unknown>) => postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, body);

  test('the conversation as Gemini contents, system instruction, tools and tool config, generation config', async () => {
    const response = await chat({
      model: 'gemini-2.5-pro',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call-1', content: '{"celsius":21}' },
        { role: 'tool', tool_call_id: 'get_weather', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_completion_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
    });
    expect(response.status).toBe(200);
    const sent = onlyRequest(service.mock, 'generate');
    expect(sent.path).toBe('/v1/projects/vertex-project-1/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent');
    expect(JSON.parse(sent.rawBody)).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'call-1' }, thoughtSignature: 'skip_thought_signature_validator' },
            { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', id: 'call-1', response: { celsius: 21 } } },
            { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
          ],
        },
      ],
      generationConfig: { stopSequences: ['END'], temperature: 0.2, maxOutputTokens: 100, topP: 0.9 },
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
    });
    expect(Object.keys(JSON.parse(sent.rawBody))).toEqual(['contents', 'generationConfig', 'tools', 'toolConfig', 'systemInstruction']);
  });

  test("Gemini's chunks as OpenAI chunks: responseId, modelVersion, its finishReason, usage", async () => {
    const response = await chat({ messages: [{ role: 'user', content: 'What is Elastic?' }] });
    expectEventStream(response, 200);
    expect(response.text.endsWith(DONE_FRAME)).toBe(true);
    const chunks = dataOf(response.text);
    expect(chunks.map((chunk) => chunk.choices[0].delta.content).join('')).toBe(ANSWER);
    expect(chunks[0]).toEqual({
      id: chunks[0].id,
      choices: [{ delta: { content: 'Elastic ', role: 'model' }, index: 0 }],
      model: MODEL_VERSION,
      object: 'chat.completion.chunk',
      usage: { completion_tokens: 14, prompt_tokens: 6, total_tokens: 20 },
    });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('STOP');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  test("a function call is a tool call with the function's name as its id when Gemini gives none", async () => {
    service.mock.enqueueFault('generate', { kind: 'toolCall', name: 'lookup', arguments: '{"q":"elastic"}' });
    const response = await chat({ messages: [{ role: 'user', content: 'Look it up' }] });
    const [chunk] = dataOf(response.text);
    expect(chunk.choices[0]).toEqual({
      delta: { role: 'model', tool_calls: [{ index: 0, id: 'lookup', function: { arguments: '{"q":"elastic"}', name: 'lookup' }, type: 'function' }] },
      finish_reason: 'STOP',
      index: 0,
    });
  });

  test.each([
    [{ messages: [{ role: 'developer', content: 'x' }] }, 'Role [developer] not supported by Google VertexAI ChatCompletion. Supported roles: [user, assistant]'],
    [{ messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' }, 'Tool choice value [required] not supported by Google VertexAI ChatCompletion. Supported values: [auto]'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'Tool messages require a [tool_call_id] for Google VertexAI ChatCompletion'],
    [{ messages: [{ role: 'system', content: '' }, { role: 'user', content: 'x' }] }, 'System message cannot be empty for Google Vertex AI'],
    [
      { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1' } }] }] },
      'Failed to parse tool call arguments [[1]: not a JSON object',
    ],
    [
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] },
      'Type [image_url] not supported by Google VertexAI ChatCompletion. Supported types: [text]',
    ],
  ])('what Gemini cannot take is a 400 before any call: %j', async (body, message) => {
    const response = await chat(body);
    expectEventStream(response, 400);
    expect(onlyErrorFrame(response).error.message).toBe(message);
    expect(service.mock.requests).toHaveLength(0);
  });

  test("a refusal before the stream: Google's status as the unified type, its code as the code", async () => {
    service.mock.enqueueFault('generate', { kind: 'status', status: 400 });
    const response = await chat({ messages: [{ role: 'user', content: 'x' }] });
    expectEventStream(response, 400);
    expect(onlyErrorFrame(response).error).toEqual({
      code: '400',
      message: `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [Request contains an invalid argument.]`,
      type: 'INVALID_ARGUMENT',
    });
  });

  test("an error event inside Gemini's stream ends it with an error frame quoting Google's message", async () => {
    service.mock.enqueueFault('generate', { kind: 'streamError', chunks: 1, message: 'Resource exhausted mid-stream.' });
    const response = await chat({ messages: [{ role: 'user', content: 'x' }] });
    const frames = framesOf(response.text);
    expect(frames.at(-1)!.event).toBe('error');
    expect(JSON.parse(frames.at(-1)!.data).error.message).toBe(
      `Received an error response for request from inference entity id [${id}]. Error message: [Resource exhausted mid-stream.]`,
    );
  });
});

describe('which settings a chat endpoint needs (GoogleVertexAiChatCompletionServiceSettings)', () => {
  const account = { service_account_json: SERVICE_ACCOUNT.json };
  test.each([
    [
      'no model_id',
      { ...account, project_id: 'p' },
      "Validation Failed: 1: For Google Vertex AI models, you must provide 'project_id' and 'model_id'. Provided values: location=null, project_id=p, model_id=null;",
    ],
    [
      'a Model Garden provider without a URL',
      { ...account, provider: 'anthropic' },
      "Validation Failed: 1: Google Model Garden provider=anthropic selected. Either 'uri' or 'streaming_uri' must be provided;",
    ],
    [
      'Gemini with a URL',
      { ...gemini, url: 'https://example.com/x' },
      "Validation Failed: 1: 'provider' is either GOOGLE or null. For Google Vertex AI models 'uri' and 'streaming_uri' must not be provided. Remove 'url' and 'streaming_url' fields. Provided values: uri=https://example.com/x, streaming_uri=null;",
    ],
  ])('%s is refused', async (_what, settings, reason) => {
    const refused = await put('chat_completion', newId('gva-chat-bad'), { service: 'googlevertexai', service_settings: settings });
    expect({ status: refused.status, type: refused.json.error.type, reason: refused.json.error.reason }).toEqual({ status: 400, type: 'validation_exception', reason });
    expect(service.mock.requests).toHaveLength(0);
  });

  test('a Model Garden endpoint is stored as Elasticsearch stores it (provider in capitals, model_id optional)', async () => {
    const id = newId('gva-garden');
    const url = 'https://us-central1-aiplatform.googleapis.com/v1/projects/vertex-project-1/locations/us-central1/endpoints/openapi/chat/completions';
    const created = await put('completion', id, { service: 'googlevertexai', service_settings: { ...account, provider: 'meta', url } });
    expect(created.json.service_settings).toEqual({ url, provider: 'META', rate_limit: { requests_per_minute: 1000 } });
  });
});

describe('Model Garden providers on OpenAI\'s chat wire (meta, hugging_face, mistral, ai21)', () => {
  const base = 'https://us-central1-aiplatform.googleapis.com/v1/projects/vertex-project-1/locations/us-central1/endpoints';
  const garden = (provider: string, urls: Record<string, string>, model?: string) => ({
    service: 'googlevertexai',
    service_settings: { service_account_json: SERVICE_ACCOUNT.json, provider, ...urls, ...(model ? { model_id: model } : {}) },
  });

  test('a completion at `url`, its stream at `streaming_url`, with the access token', async () => {
    const id = newId('gva-garden-meta');
    await createEndpoint(service, 'completion', id, garden('meta', { url: `${base}/openapi/chat/completions`, streaming_url: `${base}/streamer/chat/completions` }, 'meta/llama-3.3-70b-instruct-maas'));
    const answer = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(answer.status).toBe(200);
    expect(typeof answer.json.completion[0].result).toBe('string');
    const stream = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'What is Elastic?' });
    expectEventStream(stream, 200);
    const [plain, streamed] = service.mock.requestsTo('garden');
    expect(plain.path).toBe('/v1/projects/vertex-project-1/locations/us-central1/endpoints/openapi/chat/completions');
    expect(streamed.path).toBe('/v1/projects/vertex-project-1/locations/us-central1/endpoints/streamer/chat/completions');
    expect(bodyOf(plain)).toMatchObject({ messages: [{ role: 'user', content: 'What is Elastic?' }], model: 'meta/llama-3.3-70b-instruct-maas', n: 1 });
    expect(bodyOf(streamed)).toMatchObject({ stream: true });
    for (const request of [plain, streamed]) expect(service.mock.issued.has(String(request.headers.authorization).slice('Bearer '.length))).toBe(true);
  });

  test.each(['hugging_face', 'mistral', 'ai21'])('%s: a chat stream at the one URL given', async (provider) => {
    const id = newId(`gva-garden-${provider.replace('_', '-')}`);
    await createEndpoint(service, 'chat_completion', id, garden(provider, { streaming_url: `${base}/4711/chat/completions` }));
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'Hi' }] });
    expectEventStream(response, 200);
    expect(response.text.endsWith(DONE_FRAME)).toBe(true);
    expect(onlyRequest(service.mock, 'garden').path).toBe('/v1/projects/vertex-project-1/locations/us-central1/endpoints/4711/chat/completions');
  });

  const claude = 'https://us-east5-aiplatform.googleapis.com/v1/projects/vertex-project-1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4';

  test("anthropic: Anthropic's Messages body at `:rawPredict`, max_tokens from the task settings (1024 when not set)", async () => {
    const id = newId('gva-claude');
    await createEndpoint(service, 'completion', id, {
      ...garden('anthropic', { url: `${claude}:rawPredict`, streaming_url: `${claude}:streamRawPredict` }),
      task_settings: { max_tokens: 128 },
    });
    const answer = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(answer.json).toEqual({ completion: [{ result: CLAUDE_ANSWER }] });
    const sent = onlyRequest(service.mock, 'claude');
    expect(sent.path).toBe('/v1/projects/vertex-project-1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4:rawPredict');
    expect(sent.rawBody).toBe('{"anthropic_version":"vertex-2023-10-16","messages":[{"role":"user","content":"What is Elastic?"}],"stream":false,"max_tokens":128}');
  });

  test("anthropic: the chat stream at `:streamRawPredict`, Anthropic's events as OpenAI chunks, tools in Anthropic's terms", async () => {
    const id = newId('gva-claude-chat');
    await createEndpoint(service, 'chat_completion', id, garden('anthropic', { streaming_url: `${claude}:streamRawPredict` }));
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, {
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      temperature: 0.5,
    });
    expectEventStream(response, 200);
    const chunks = dataOf(response.text);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(CLAUDE_ANSWER);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant' });
    // Read by the anthropic service's processor: the stop reason in OpenAI's words, the usage in a last chunk.
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 7, prompt_tokens: 9, total_tokens: 16 } });
    expect(bodyOf(onlyRequest(service.mock, 'claude'))).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.5,
      tool_choice: { type: 'any' },
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
      stream: true,
      max_tokens: 1024,
    });

    service.mock.enqueueFault('claude', { kind: 'toolCall', name: 'lookup', arguments: '{"q":"x"}' });
    const tool = dataOf((await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'Hi' }] })).text);
    expect(tool.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])).toEqual([
      { index: 0, id: 'toolu_vrtx_01', function: { name: 'lookup', arguments: '' }, type: 'function' },
      { index: 0, function: { arguments: '{"q":"x"}' } },
    ]);
  });
});
