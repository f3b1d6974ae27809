/** The AWS kit: requests signed by the SDK's SigV4 signer pass the mocks' independent check (and tampered ones do
 * not), and event-stream messages come through whatever the chunking of the body. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { awsEventMessages, awsJsonEvents, MalformedEventStream } from '../../../server/providers/kit/aws/event-stream';
import { sigV4Signer } from '../../../server/providers/kit/aws/sigv4';
import { awsBytesEvent, awsEvent, awsException } from '../../support/mock-provider/aws-event-stream';
import { sigV4Refusal, type AwsSigningKey } from '../../support/mock-provider/aws-sigv4';

const KEY: AwsSigningKey = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 'bedrock' };

describe('SigV4', () => {
  let server: Server;
  let url: string;
  let received: { req: IncomingMessage; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ req, body: Buffer.concat(chunks).toString('utf8') });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => (received = []));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function send(path: string, body: string, key = KEY, tamper?: (headers: Record<string, string>) => Record<string, string>) {
    const headers = await sigV4Signer(key.service, key.region, key)({ url: url + path, headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const response = await request(url + path, { method: 'POST', headers: tamper ? tamper(headers) : headers, body });
    await response.body.text();
    return received.at(-1)!;
  }

  test('a signed request passes, model ids with `:` and queries included', async () => {
    const { req, body } = await send('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse?b=2&a=1', '{"messages":[{"role":"user","content":[{"text":"héllo"}]}]}');
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=/);
    expect(sigV4Refusal(req, body, KEY)).toBeUndefined();
  });

  test('a changed body, another secret, another region or a missing signature is refused as AWS refuses it', async () => {
    const sent = await send('/model/m/invoke', '{"inputText":"a"}');
    expect(sigV4Refusal(sent.req, '{"inputText":"b"}', KEY)).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
    expect(sigV4Refusal(sent.req, sent.body, { ...KEY, secretAccessKey: 'x'.repeat(40) })).toMatchObject({ errorType: 'InvalidSignatureException' });
    expect(sigV4Refusal(sent.req, sent.body, { ...KEY, region: 'eu-west-1' })).toMatchObject({ errorType: 'InvalidSignatureException' });
    expect(sigV4Refusal(sent.req, sent.body, { ...KEY, accessKeyId: 'AKIAOTHER' })).toMatchObject({ errorType: 'UnrecognizedClientException' });
    const unsigned = await send('/model/m/invoke', '{}', KEY, ({ authorization: _dropped, ...rest }) => rest);
    expect(sigV4Refusal(unsigned.req, unsigned.body, KEY)).toMatchObject({ errorType: 'MissingAuthenticationTokenException' });
  });
});

describe('event streams', () => {
  async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const collect = async (iterable: AsyncIterable<string>) => {
    const out: string[] = [];
    for await (const item of iterable) out.push(item);
    return out;
  };
  const stream = Buffer.concat([
    awsEvent('messageStart', { role: 'assistant' }),
    awsEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }),
    awsException('throttlingException', 'Too many tokens, please wait before trying again.'),
  ]);

  test.each([1, 7, 64, 100_000])('messages arrive whole in chunks of %d bytes, as the SDK shapes its events', async (size) => {
    expect((await collect(awsJsonEvents(chunked(stream, size)))).map((text) => JSON.parse(text))).toEqual([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hel' } } },
      { throttlingException: { message: 'Too many tokens, please wait before trying again.' } },
    ]);
  });

  test('raw payloads keep their bytes', async () => {
    const messages = [];
    for await (const message of awsEventMessages(chunked(awsBytesEvent('PayloadPart', 'data: {"a":1}\n\n'), 5))) messages.push(message);
    expect(messages.map((m) => [m.headers[':event-type'], Buffer.from(m.payload).toString()])).toEqual([['PayloadPart', 'data: {"a":1}\n\n']]);
  });

  test('a corrupt, truncated or oversized message is a malformed stream, not a hang', async () => {
    const corrupt = Buffer.from(stream);
    corrupt[20] ^= 0xff;
    await expect(collect(awsJsonEvents(chunked(corrupt, 16)))).rejects.toBeInstanceOf(MalformedEventStream);
    await expect(collect(awsJsonEvents(chunked(stream.subarray(0, stream.length - 3), 16)))).rejects.toBeInstanceOf(MalformedEventStream);
    const huge = Buffer.alloc(16);
    huge.writeUInt32BE(0x7fffffff, 0);
    await expect(collect(awsJsonEvents(chunked(huge, 16)))).rejects.toBeInstanceOf(MalformedEventStream);
  });
});
