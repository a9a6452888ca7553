import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { streamConnectionLimitEntries } from '../src/eks/stream-connection-limit';

/** Debian's nginx, outside a non-root PATH. */
const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((candidate) => {
  try {
    accessSync(candidate, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

const perAddress = 2;

/**
 * The snippets the ingress controller gets, in a real nginx (loopback only) in front of a backend that holds
 * every `/events` response open as a stream does: `http-snippets` in the http block and `location-snippets`
 * in the Ingress's location, the contexts the ConfigMap keys are documented to set.
 */
(nginx ? describe : describe.skip)('the ingress share of streams per address (real nginx)', function () {
  this.timeout(30_000);
  let backend: Server;
  let prefix: string;
  let balancer: ChildProcess | undefined;
  let url = '';
  const open: IncomingMessage[] = [];

  before(async () => {
    backend = createServer((incoming, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if (incoming.url?.endsWith('/events')) response.write(':\n\n');
      else response.end('page');
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
  });
  after(() => backend.close());
  afterEach(async () => {
    for (const response of open.splice(0)) response.destroy();
    if (balancer) {
      balancer.kill('SIGTERM'); // nginx's fast shutdown: the master ends its workers, then itself
      await once(balancer, 'exit');
      balancer = undefined;
    }
    rmSync(prefix, { recursive: true, force: true });
  });

  const start = async (behindCdn: boolean) => {
    prefix = mkdtempSync(path.join(tmpdir(), 'polls-stream-limit-'));
    chmodSync(prefix, 0o755); // as root, nginx's workers run as nobody
    const port = await freePort();
    const entries = streamConnectionLimitEntries(behindCdn, perAddress);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((kind) => `${kind}_temp_path ${prefix}/${kind};`)
      .join('\n');
    writeFileSync(
      path.join(prefix, 'nginx.conf'),
      `pid ${prefix}/nginx.pid;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  ${temp}
  ${entries['http-snippets']}
  server {
    listen 127.0.0.1:${port};
    location / {
      ${entries['location-snippets']}
      proxy_buffering off;
      proxy_pass http://127.0.0.1:${(backend.address() as AddressInfo).port};
    }
  }
}
`,
    );
    balancer = spawn(
      nginx!,
      ['-p', prefix, '-c', `${prefix}/nginx.conf`, '-e', `${prefix}/error.log`, '-g', 'daemon off;'],
      { stdio: 'ignore' },
    );
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    while ((await status('/polls/').catch(() => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error('nginx never answered');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** The status of a request, from `localAddress`; a 200 stream is kept open until the test ends. */
  const status = async (
    pathname: string,
    { localAddress = '127.0.0.1', forwardedFor }: { localAddress?: string; forwardedFor?: string } = {},
  ): Promise<number> => {
    const outgoing = request(`${url}${pathname}`, {
      localAddress,
      agent: false,
      headers: forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {},
    });
    outgoing.end();
    const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
    if (pathname.endsWith('/events') && response.statusCode === 200) open.push(response);
    else response.resume();
    return response.statusCode!;
  };

  it('answers 429 to a client address past its share of streams, not to another address, and never counts pages', async () => {
    await start(false);
    for (let i = 0; i < perAddress; i++) assert.equal(await status('/polls/1/results/events'), 200);
    assert.equal(await status('/api/questions/1/events'), 429);
    assert.equal(await status('/polls/'), 200, 'a page is not a stream');
    // Linux routes all of 127.0.0.0/8 to loopback: a second client address on the same machine.
    assert.equal(await status('/api/questions/1/events', { localAddress: '127.0.0.2' }), 200);
  });

  it('behind the CDN, counts the viewer CloudFront appended to X-Forwarded-For, not the edge that connects', async () => {
    await start(true);
    const viewer = { forwardedFor: '192.0.2.77, 198.51.100.7' }; // the first entry is the viewer's to write
    for (let i = 0; i < perAddress; i++) assert.equal(await status('/api/questions/1/events', viewer), 200);
    assert.equal(await status('/api/questions/1/events', viewer), 429);
    assert.equal(await status('/api/questions/1/events', { forwardedFor: '198.51.100.7, 203.0.113.5' }), 200);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}
