import { Agent, request } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface Call {
  readonly method: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * Plain node:http over keep-alive connections: a load generator sharing two cores with nginx, three
 * replicas and PostgreSQL should spend as little CPU per request as it can.
 */
export class HttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    connections: number,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** Resolves with any HTTP answer; rejects only when there was none (refused, reset, timed out). */
  send(path: string, call: Call): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        `${this.baseUrl}${path}`,
        { method: call.method, headers: call.headers, agent: this.agent },
        (incoming) => {
          let body = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (body += chunk));
          incoming.on('end', () =>
            resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.setTimeout(this.timeoutMs, () =>
        outgoing.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
      );
      outgoing.on('error', reject);
      outgoing.end(call.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
