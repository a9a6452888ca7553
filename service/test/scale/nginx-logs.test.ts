import assert from 'node:assert/strict';
import { nginxConfig } from '../../scale/nginx-config.js';
import { accessLogFormat, summariseAccessLog, summariseErrorLog } from '../../scale/nginx-logs.js';

describe('scale test: nginx configuration and logs', () => {
  it('writes every path under the prefix and retries only what cannot count twice', () => {
    const config = nginxConfig({ prefix: '/tmp/run', listenPort: 8080, backendPorts: [3001, 3002, 3003] });
    for (const directive of [
      'pid',
      'lock_file',
      'error_log',
      'access_log',
      'client_body_temp_path',
      'proxy_temp_path',
    ]) {
      assert.match(config, new RegExp(`^\\s*${directive} /tmp/run/`, 'm'), directive);
    }
    assert.equal(config.match(/server 127\.0\.0\.1:300\d max_fails=1/g)?.length, 3);
    assert.match(config, /listen 127\.0\.0\.1:8080;/);
    assert.match(config, /proxy_next_upstream error timeout http_502;/);
    // Neither a vote that reached a replica nor a database outage's 503 is ever passed on.
    assert.doesNotMatch(config, /proxy_next_upstream [^;]*(non_idempotent|http_503)/);
    assert.ok(config.includes(`log_format scale '${accessLogFormat}';`));
  });

  it('waits 60 s for the next byte of a live-results stream (four heartbeats), 15 s for any other answer', () => {
    const config = nginxConfig({ prefix: '/tmp/run', listenPort: 8080, backendPorts: [3001] });
    const [, pattern, streamLocation] = /location ~ (\S+) \{([^}]*)\}/.exec(config)!;
    const streams = new RegExp(pattern!);
    for (const path of ['/polls/7/results/events', '/api/questions/7/events', '/api/questions/7/events/'])
      assert.ok(streams.test(path), path);
    for (const path of ['/polls/7/results/', '/api/questions/7/votes', '/polls/7/results/events/x'])
      assert.ok(!streams.test(path), path);
    assert.match(streamLocation!, /proxy_read_timeout 60s;/);
    assert.match(/location \/ \{([^}]*)\}/.exec(config)![1]!, /proxy_read_timeout 15s;/);
  });

  it('counts the requests nginx passed to a second replica, by method', () => {
    const log = [
      '1764065000.100 POST 201 "127.0.0.1:3001" "201"',
      '1764065000.200 POST 201 "127.0.0.1:3002, 127.0.0.1:3003" "502, 201"',
      '1764065000.300 GET 200 "127.0.0.1:3002, 127.0.0.1:3003" "503, 200"',
      '1764065000.400 POST 502 "127.0.0.1:3002" "502"',
      '',
    ].join('\n');
    const traffic = summariseAccessLog(log);
    assert.equal(traffic.requests, 4);
    assert.deepEqual(
      [...traffic.retriedByMethod],
      [
        ['POST', 1],
        ['GET', 1],
      ],
    );
  });

  it('groups error-log lines by message, without times, connections or ports', () => {
    const log = [
      '2026/11/25 10:13:20 [error] 4470#4470: *81 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: , request: "POST /api/questions/1/votes HTTP/1.1", upstream: "http://127.0.0.1:3002/api/questions/1/votes", host: "127.0.0.1:8080"',
      '2026/11/25 10:13:22 [error] 4470#4470: *95 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1',
      '2026/11/25 10:13:22 [warn] 4470#4470: *95 upstream server temporarily disabled while connecting to upstream, client: 127.0.0.1',
    ].join('\n');
    assert.deepEqual(
      [...summariseErrorLog(log)],
      [
        ['[error] connect() failed (111: Connection refused) while connecting to upstream', 2],
        ['[warn] upstream server temporarily disabled while connecting to upstream', 1],
      ],
    );
  });
});
