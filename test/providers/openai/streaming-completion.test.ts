/**
 * The completion stream against a real mock OpenAI server (reference §2.5, §4): exact SSE bytes (a BOM before every
 * event), completion deltas, then [DONE].
 */
import type { MockOpenAi } from './mock-openai';
import { BOM, expectEventStream, framesOf } from '../../support/assertions';
import { bodyOf, newId } from '../../support/service-setup';
import { COMPLETION_STREAM, completionDeltas, streamingService } from './streaming-helpers';

const openai = streamingService();
const { post, createEndpoint } = openai;
let mock: MockOpenAi;
beforeAll(() => ({ mock } = openai));

describe('POST /_inference/completion/{id}/_stream', () => {
  test('exact bytes: a BOM before every event, completion deltas, then [DONE]', async () => {
    const id = newId('cmp-stream');
    await createEndpoint('completion', id);
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'hello streaming world' });
    expectEventStream(response, 200);
    expect(response.text).toMatch(COMPLETION_STREAM);
    const frames = framesOf(response.text);
    expect(frames.length).toBeGreaterThan(2); // several message events, not one lump
    expect(completionDeltas(frames)).toBe('Echo: hello streaming world');
    expect(frames.at(-1)).toEqual({ event: 'message', data: '[DONE]' });
    expect(response.text.split(BOM).length - 1).toBe(frames.length);

    const calls = mock.requestsTo('chat');
    expect(calls).toHaveLength(1);
    expect(bodyOf(calls[0])).toMatchObject({
      messages: [{ role: 'user', content: 'hello streaming world' }],
      model: 'gpt-4o-mini',
      n: 1,
      stream: true,
    });
  });

  test('/_inference/{id}/_stream streams a completion endpoint the same way (scripted reply)', async () => {
    const id = newId('cmp-stream-any');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'reply', text: 'Elastic is a search company' });
    const response = await post(`/_inference/${id}/_stream`, { input: 'What is Elastic?' });
    expectEventStream(response, 200);
    expect(response.text).toMatch(COMPLETION_STREAM);
    expect(completionDeltas(framesOf(response.text))).toBe('Elastic is a search company');
  });

  test('deltas with quotes, backslashes and newlines stay one line of JSON per event', async () => {
    const id = newId('cmp-stream-escape');
    await createEndpoint('completion', id);
    const reply = 'He said "hi"\nthen \\left\ttabbed ünïcødé';
    mock.enqueueFault('chat', { kind: 'reply', text: reply });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'x' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text); // throws if a data line were split
    expect(completionDeltas(frames)).toBe(reply);
    expect(frames.at(-1)!.data).toBe('[DONE]');
  });

  test('task_settings.user goes upstream on the stream too', async () => {
    const id = newId('cmp-stream-user');
    await createEndpoint('completion', id, { task_settings: { user: 'stored-user' } });
    const stored = await post(`/_inference/completion/${id}/_stream`, { input: 'a' });
    expect(stored.status).toBe(200);
    const overridden = await post(`/_inference/completion/${id}/_stream`, { input: 'b', task_settings: { user: 'request-user' } });
    expect(overridden.status).toBe(200);
    expect(mock.requestsTo('chat').map((call) => bodyOf(call).user)).toEqual(['stored-user', 'request-user']);
  });
});
