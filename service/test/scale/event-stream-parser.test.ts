import assert from 'node:assert/strict';
import { EventStreamParser } from '../../scale/event-stream-parser.js';

/** Every event of `chunks`, fed one after the other to one parser. */
function parse(chunks: readonly string[], parser = new EventStreamParser()) {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('scale test: reading an event stream as EventSource does', () => {
  it("reads the service's stream: the retry hint, a counts event with its id, a heartbeat", () => {
    const parser = new EventStreamParser();
    const events = parse(
      ['retry: 2000\n\n', 'id: 86IrgkjVq-8wyZfb\nevent: counts\ndata: {"questionId":1}\n\n', ':\n\n'],
      parser,
    );
    assert.deepEqual(events, [{ type: 'counts', data: '{"questionId":1}', lastEventId: '86IrgkjVq-8wyZfb' }]);
    assert.equal(parser.retryMs, 2000);
    assert.equal(parser.comments, 1);
    assert.equal(parser.lastEventId, '86IrgkjVq-8wyZfb');
  });

  it('dispatches an event only at its blank line, however the bytes are split', () => {
    const text = 'id: 7\nevent: counts\ndata: {"a":1}\n\n';
    const whole = parse([text]);
    for (let cut = 1; cut < text.length; cut++) {
      assert.deepEqual(parse([text.slice(0, cut), text.slice(cut)]), whole, `split at ${cut}`);
    }
    assert.deepEqual(parse(['data: unfinished\n']), [], 'no blank line yet: nothing');
  });

  it('ends lines at CRLF, LF or CR, a CRLF split between chunks counting once', () => {
    assert.deepEqual(
      parse(['data: a\r\n\r\ndata: b\r\rdata: c\r', '\ndata: d\n\n']).map((event) => event.data),
      ['a', 'b', 'c\nd'],
    );
  });

  it('joins data lines with LF, strips one space after the colon, and calls an unnamed event message', () => {
    assert.deepEqual(parse(['data:one\ndata:  two\ndata\n\n']), [
      { type: 'message', data: 'one\n two\n', lastEventId: '' },
    ]);
  });

  it('keeps the last id across events and dispatches nothing for a block without data', () => {
    const parser = new EventStreamParser();
    const events = parse(['id: 1\n\n', 'event: counts\n\n', 'data: x\n\n'], parser);
    assert.deepEqual(events, [{ type: 'message', data: 'x', lastEventId: '1' }]);
  });

  it('starts from the id the previous connection ended with, as Last-Event-ID carries it', () => {
    assert.deepEqual(parse(['data: x\n\n'], new EventStreamParser('abc')), [
      { type: 'message', data: 'x', lastEventId: 'abc' },
    ]);
  });

  it('ignores an id holding NUL, a retry that is not all digits, and unknown fields', () => {
    const parser = new EventStreamParser('kept');
    const events = parse(['id: a\0b\nretry: 12s\nfoo: bar\ndata: x\n\n'], parser);
    assert.equal(events[0]!.lastEventId, 'kept');
    assert.equal(parser.retryMs, undefined);
  });

  it('skips a byte order mark at the start of the stream only', () => {
    assert.deepEqual(
      parse(['\uFEFFdata: a\n\n', '\uFEFFdata: b\n\n']).map((event) => event.data),
      ['a'],
      'a later BOM makes the field name "\\uFEFFdata", which is no field',
    );
  });
});
