import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { listen, type RunningServer } from '../../src/server.js';
import { testApp } from '../support/app.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { createQuestion, votesOf } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

// Two clients on one machine: Linux routes all of 127.0.0.0/8 to the loopback interface, so a socket bound
// to 127.0.0.2 reaches a server on 127.0.0.1 from a second address, as a second client would.
const crowdAddress = '127.0.0.1';
const otherAddress = '127.0.0.2';

for (const target of databaseTargets) {
  describe(`idle connections per address on ${target.name} (real sockets)`, function () {
    this.timeout(30_000);
    let db: TestDatabase;
    let running: RunningServer;
    const sockets: Socket[] = [];

    before(async () => {
      db = await target.open();
    });
    beforeEach(() => db.reset());
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      await running.close(100);
    });

    /** One keep-alive request on a socket of its own; resolves with the response's head once it is read. */
    const askAndStay = async (port: number): Promise<{ socket: Socket; head: string }> => {
      const socket = connect({ port, host: '127.0.0.1', localAddress: crowdAddress });
      sockets.push(socket);
      await once(socket, 'connect');
      socket.write('GET /healthz HTTP/1.1\r\nHost: polls\r\n\r\n');
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      return { socket, head: chunk.toString() };
    };

    it('closes the connections one address would leave idle past its share, so another address still loads the index and votes', async () => {
      const question = await createQuestion(db.knex, 'Room for me?', -1);
      const { app } = testApp(db, { httpMaxIdleConnectionsPerAddress: 4 });
      running = await listen(app, 0, '127.0.0.1', { maxConnections: 12 });
      const port = Number(new URL(running.url).port);

      const crowd: { socket: Socket; head: string }[] = [];
      for (let i = 0; i < 12; i++) crowd.push(await askAndStay(port));
      assert.deepEqual(
        crowd.map(({ head }) => /^Connection: close\r$/im.test(head)),
        [...Array<boolean>(4).fill(false), ...Array<boolean>(8).fill(true)],
        'the first four stay open, the others are told they close',
      );
      await waitFor(
        () => crowd.filter(({ socket }) => socket.readyState === 'open').length === 4,
        'only four of the crowd are left open',
      );

      const index = await requestFrom(otherAddress, `${running.url}/polls/`);
      assert.equal(index.statusCode, 200);
      const voted = await requestFrom(
        otherAddress,
        `${running.url}/api/questions/${question.id}/votes`,
        JSON.stringify({ choiceId: question.choiceIds[0] }),
      );
      assert.equal(voted.statusCode, 201);
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
    });
  });
}

/** A request from `localAddress` on a connection of its own, its body read to the end. */
async function requestFrom(localAddress: string, url: string, json?: string): Promise<IncomingMessage> {
  const outgoing = request(url, {
    localAddress,
    agent: false,
    method: json ? 'POST' : 'GET',
    headers: json ? { 'Content-Type': 'application/json' } : {},
  });
  outgoing.end(json);
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  response.resume();
  await once(response, 'end');
  return response;
}
