import assert from 'node:assert/strict';
import supertest from 'supertest';
import { revisionHeaderName } from '../../src/web/revision-header.js';
import { testApp } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';

const REVISION = '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3';

// The pipeline's smoke check reads it through the CDN, on the JSON API, to tell which image answers.
describe('the revision header', () => {
  for (const target of databaseTargets) {
    describe(`on ${target.name}`, () => {
      let database: Awaited<ReturnType<typeof target.open>>;

      before(async function () {
        this.timeout(60_000);
        database = await target.open();
      });

      it('names the image commit on the API, on a page and on an error', async () => {
        const agent = supertest(testApp(database, { revision: REVISION }).app.callback());
        for (const [path, status] of [
          ['/api/questions', 200],
          ['/polls/', 200],
          ['/no-such-page', 404],
        ] as const) {
          const response = await agent.get(path);
          assert.equal(response.status, status, path);
          assert.equal(response.headers[revisionHeaderName.toLowerCase()], REVISION, path);
        }
      });

      it('is absent when the service runs outside an image', async () => {
        const response = await supertest(testApp(database).app.callback()).get('/api/questions');
        assert.equal(response.status, 200);
        assert.equal(response.headers[revisionHeaderName.toLowerCase()], undefined);
      });
    });
  }
});
