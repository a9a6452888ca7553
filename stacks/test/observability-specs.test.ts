import assert from 'node:assert/strict';
import { routeParse, savedQueries, accessLogFilters } from '../src/observability/access-log';
import { estimatedMaxConnections, instanceClassMemoryGib } from '../src/database-capacity';
import { cdnAlarm } from '../src/observability/cdn-alarm';
import { awsPublishes } from './support/cloudwatch-catalog';
import { runbookSections } from './support/runbook';

/** A Logs Insights `/regex/` as the JavaScript RegExp it is written as (named groups alike). */
function insightsRegex(literal: string): RegExp {
  return new RegExp(literal.slice(1, -1));
}

describe('observability building blocks', () => {
  it('knows the memory of the t, m and r classes and refuses others, naming the key', () => {
    assert.equal(instanceClassMemoryGib('db.t4g.micro'), 1);
    assert.equal(instanceClassMemoryGib('db.t4g.medium'), 4);
    assert.equal(instanceClassMemoryGib('db.m7g.large'), 8);
    assert.equal(instanceClassMemoryGib('db.r7g.2xlarge'), 64);
    assert.throws(() => instanceClassMemoryGib('db.m7g.micro'), /^Error: polls:dbInstanceClass/);
    assert.throws(() => instanceClassMemoryGib('db.x2g.large'), /^Error: polls:dbInstanceClass/);
  });

  it('estimates max_connections below what the class reports, and caps it at 5000', () => {
    // A db.t4g.micro answers `SHOW max_connections` with about 80; a db.m7g.large with about 820.
    assert.ok(estimatedMaxConnections(1) <= 87);
    assert.ok(estimatedMaxConnections(8) <= 870);
    assert.equal(estimatedMaxConnections(1024), 5000);
  });

  it('builds the CDN 5xx alarm for a distribution id, on a metric CloudFront publishes, with a runbook section', () => {
    const spec = cdnAlarm('E2EXAMPLE', 5);
    assert.ok('metric' in spec.measure);
    const { metric } = spec.measure;
    assert.deepEqual(metric.dimensions, { DistributionId: 'E2EXAMPLE', Region: 'Global' });
    assert.ok(awsPublishes(metric.namespace, metric.metricName, Object.keys(metric.dimensions)));
    assert.equal(spec.threshold, 5);
    assert.ok(runbookSections().has(spec.slug));
  });

  it('groups 5xx by route: ids never become groups', () => {
    const route = (path: string) => insightsRegex(routeParse).exec(path)?.groups;
    assert.deepEqual({ ...route('/polls/7/vote/') }, { area: 'polls', action: 'vote' });
    assert.deepEqual({ ...route('/polls/12/results/') }, { area: 'polls', action: 'results' });
    assert.deepEqual({ ...route('/polls/') }, { area: 'polls', action: '' });
    assert.deepEqual({ ...route('/api/questions') }, { area: 'api', action: 'questions' });
  });

  it('reads the service’s fields where each platform puts them, and only the service’s events on eks', () => {
    const eks = {
      logGroupName: 'g',
      fieldPrefix: 'log_processed.' as const,
      scope: { field: 'kubernetes.namespace_name', value: 'polls' },
    };
    const [requests, errors, duration] = accessLogFilters(eks);
    assert.equal(
      requests!.pattern,
      '{ ($.kubernetes.namespace_name = "polls") && ($.log_processed.msg = "request") }',
    );
    assert.match(errors!.pattern, /\(\$\.log_processed\.status >= 500\) }$/);
    assert.equal(duration!.value, '$.log_processed.durationMs');
    const ec2 = { logGroupName: 'g', fieldPrefix: '' as const };
    assert.equal(accessLogFilters(ec2)[0]!.pattern, '{ ($.msg = "request") }');
    for (const query of savedQueries(eks, 1000))
      assert.match(query.query, /kubernetes\.namespace_name = "polls"/);
    const slow = savedQueries(ec2, 1500).find((query) => query.suffix === 'slow-requests')!;
    assert.match(slow.query, /^filter msg = "request" and durationMs > 1500$/m);
  });
});
