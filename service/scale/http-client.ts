import { Agent, request } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request as the client saw it. Times are milliseconds on the run's clock. */
export interface Exchange {
  /** The HTTP status, or 0 when no answer came (then `error` says why). */
  readonly status: number;
  readonly error?: string;
  readonly startedMs: number;
  readonly endedMs: number;
}

/** "503", or "no answer (ECONNRESET)". */
export function statusLabel(exchange: Exchange): string {
  return exchange.status === 0 ? `no answer (${exchange.error})` : String(exchange.status);
}

// Longer than nginx's proxy_read_timeout (15 s), so a slow backend shows as nginx's 504, not as our timeout.
const requestTimeoutMs = 20_000;

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
    private readonly timeoutMs = requestTimeoutMs,
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

  /** Sends once (never retried) and records what came back and when, and the cookies set when asked. */
  async exchange(
    path: string,
    call: Call,
    clock: () => number,
    keepCookies = false,
  ): Promise<Exchange & { readonly cookies?: readonly string[] }> {
    const startedMs = clock();
    try {
      const { status, headers } = await this.send(path, call);
      const cookies = keepCookies ? ([] as string[]).concat(headers['set-cookie'] ?? []) : undefined;
      return { status, startedMs, endedMs: clock(), ...(cookies && { cookies }) };
    } catch (caught) {
      const error = (caught as NodeJS.ErrnoException).code ?? (caught as Error).message;
      return { status: 0, error, startedMs, endedMs: clock() };
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
