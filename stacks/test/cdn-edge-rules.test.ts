import assert from 'node:assert/strict';
import { viewerRequestCode } from '../src/cdn/edge-rules';
import { originCheckSnippet } from '../src/k8s/origin-check';
import { healthPaths } from '../src/service-contract';

interface EdgeRequest {
  uri: string;
}
type Handler = (event: { request: EdgeRequest }) => EdgeRequest | { statusCode: number; headers?: unknown };

/** The CloudFront function's handler, run here as the edge would run it on a viewer request. */
const handler = new Function(
  `${viewerRequestCode(Object.values(healthPaths))}\nreturn handler;`,
)() as Handler;
const answer = (uri: string) => handler({ request: { uri } });

describe('CDN edge rules', () => {
  describe('the function on the default behaviour', () => {
    for (const uri of ['/healthz', '/readyz', '/metrics', '/HEALTHZ', '/Metrics/', '/readyz//']) {
      it(`answers ${uri} with 404 at the edge`, () => {
        assert.deepEqual(answer(uri), { statusCode: 404, statusDescription: 'Not Found' });
      });
    }

    it('answers the root with the redirect to the index at the edge, as the service would', () => {
      assert.deepEqual(answer('/'), {
        statusCode: 302,
        statusDescription: 'Found',
        headers: { location: { value: '/polls/' } },
      });
    });

    for (const uri of [
      '/polls/',
      '/polls/1/',
      '/admin/login',
      '/api/questions',
      '/healthz-report',
      '/metrics/x',
    ]) {
      it(`passes ${uri} on to the origin unchanged`, () => {
        assert.deepEqual(answer(uri), { uri });
      });
    }
  });

  describe("NGINX's origin check (eks)", () => {
    const snippet = originCheckSnippet('X-Origin-Verify', ['current1', 'previous2']);

    it('admits either accepted value of the header and refuses everything else with 403', () => {
      assert.deepEqual(snippet.trim().split('\n'), [
        'set $from_cdn 0;',
        'if ($http_x_origin_verify = "current1") { set $from_cdn 1; }',
        'if ($http_x_origin_verify = "previous2") { set $from_cdn 1; }',
        'if ($from_cdn = 0) { return 403; }',
      ]);
    });

    it('refuses a value that could break out of the NGINX string', () => {
      assert.throws(() => originCheckSnippet('X-Origin-Verify', ['a"; return 200; #']), /letters, digits/);
    });
  });
});
