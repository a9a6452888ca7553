/** The access log's format: which backends (in order) nginx passed each request to. */
export const accessLogFormat = '$msec $request_method $status "$upstream_addr" "$upstream_status"';

/** What the access log (`accessLogFormat`) tells about the balancer's part in a run. */
export interface BalancerTraffic {
  readonly requests: number;
  /** Requests nginx passed to a second backend after the first refused or failed, by method. */
  readonly retriedByMethod: ReadonlyMap<string, number>;
}

export function summariseAccessLog(text: string): BalancerTraffic {
  const retriedByMethod = new Map<string, number>();
  let requests = 0;
  for (const line of text.split('\n')) {
    const fields = /^\S+ (\S+) \d+ "([^"]*)"/.exec(line);
    if (!fields) continue;
    requests += 1;
    const [, method, addresses] = fields as unknown as [string, string, string];
    if (addresses.includes(',')) retriedByMethod.set(method, (retriedByMethod.get(method) ?? 0) + 1);
  }
  return { requests, retriedByMethod };
}

/**
 * nginx's error log by message, e.g. "connect() failed (111: Connection refused) while connecting to
 * upstream": 3. The time, process, connection number and request details are dropped.
 */
export function summariseErrorLog(text: string): Map<string, number> {
  const messages = new Map<string, number>();
  for (const line of text.split('\n')) {
    const message = /^\S+ \S+ \[(\w+)\] \d+#\d+: (?:\*\d+ )?([^,]+)/.exec(line);
    if (!message) continue;
    const key = `[${message[1]}] ${message[2]!.replace(/127\.0\.0\.1:\d+/g, 'a replica')}`;
    messages.set(key, (messages.get(key) ?? 0) + 1);
  }
  return messages;
}
