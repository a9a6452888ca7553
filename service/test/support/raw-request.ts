import { once } from 'node:events';
import { request, type Agent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly bytes: Buffer;
}

export interface RawRequestOptions {
  /** Any method Node's HTTP client will send (fetch refuses TRACE; supertest knows a fixed list). */
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** A keep-alive agent, to send many requests over a few connections. */
  readonly agent?: Agent;
}

/**
 * A request that shows the response as it was sent: the body's bytes as they are (fetch and supertest would
 * decompress them), whatever the method.
 */
export async function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const outgoing = request(url, {
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.agent ? { agent: options.agent } : {}),
  });
  outgoing.end(options.body);
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode!, headers: response.headers, bytes: Buffer.concat(chunks) };
}
