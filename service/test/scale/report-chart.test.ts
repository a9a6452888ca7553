import assert from 'node:assert/strict';
import { barsSvg, timelineSvg } from '../../bench/svg-charts.js';
import type { VoteRecord } from '../../scale/load.js';
import { perSecond } from '../../scale/timeline.js';

const vote = (endedMs: number, status: number, kind: VoteRecord['kind'] = 'api'): VoteRecord => ({
  kind,
  questionId: 1,
  choiceId: 1,
  status,
  startedMs: endedMs - 10,
  endedMs,
});

describe('the scale report chart', () => {
  it('counts each second by when its answers came: acknowledged, failed (5xx or none), p99', () => {
    const seconds = perSecond([
      vote(100, 201),
      vote(900, 303, 'form'),
      vote(950, 503),
      vote(2_100, 0),
      vote(2_200, 201),
    ]);
    assert.deepEqual(seconds, [
      { acknowledged: 2, failed: 1, p99Ms: 10 },
      { acknowledged: 0, failed: 0, p99Ms: 0 },
      { acknowledged: 1, failed: 1, p99Ms: 10 },
    ]);
  });

  it('draws one line per series and shades every fault window in every panel', () => {
    const svg = timelineSvg(
      'Run <1>',
      [
        { label: 'votes/s', colour: 'green', values: [10, 20, 5] },
        { label: 'failed/s', colour: 'red', values: [0, 3, 0] },
      ],
      [{ label: 'replica killed', startSeconds: 1, endSeconds: 2 }],
    );
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<polyline /g)?.length, 2);
    assert.equal(svg.match(/<title>replica killed<\/title>/g)?.length, 2);
    assert.ok(svg.includes('Run &lt;1&gt;'), 'text is escaped');
  });

  it('draws one bar per benchmark row, longest for the largest value', () => {
    const svg = barsSvg('bench', 'req/s', [
      { label: 'GET /polls/', value: 100 },
      { label: 'bare Node', value: 400 },
    ]);
    const widths = [...svg.matchAll(/<rect x="\d+(?:\.\d+)?" y="[\d.]+" width="([\d.]+)" height="18"/g)].map(
      (m) => Number(m[1]),
    );
    assert.equal(widths.length, 2);
    assert.ok(widths[1]! > widths[0]! * 3.9);
  });
});
