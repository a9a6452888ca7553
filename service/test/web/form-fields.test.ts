import assert from 'node:assert/strict';
import { FormFieldsError, parseFormFields } from '../../src/web/form-fields.js';

/** The fields as plain objects, so deepEqual compares them with literals. */
function parsed(body: string): unknown {
  return JSON.parse(JSON.stringify(parseFormFields(body)));
}

describe('form fields', () => {
  it('reads names and values, decoding percent escapes and + as a space', () => {
    assert.deepEqual(parsed('csrf_token=a%2Fb&choice=12&note=two+words'), {
      csrf_token: 'a/b',
      choice: '12',
      note: 'two words',
    });
  });

  it('gives a name sent twice both values, in order', () => {
    assert.deepEqual(parsed('choice=1&choice=2&choice=3'), { choice: ['1', '2', '3'] });
  });

  it('nests bracketed names into groups, brackets percent-encoded or not, as the admin form sends rows', () => {
    const body =
      'question_text=Why%3F&choices%5B0%5D%5Bid%5D=7&choices%5B0%5D%5Btext%5D=Because' +
      '&choices[1][text]=No&choices[1][remove]=on';
    assert.deepEqual(parsed(body), {
      question_text: 'Why?',
      choices: { 0: { id: '7', text: 'Because' }, 1: { text: 'No', remove: 'on' } },
    });
  });

  it('keeps rows in the order of their numbers', () => {
    const rows = parseFormFields('choices[10][text]=c&choices[2][text]=b&choices[0][text]=a').choices;
    assert.deepEqual(
      Object.values(rows as object).map((row: { text: string }) => row.text),
      ['a', 'b', 'c'],
    );
  });

  it('makes objects without a prototype, so no name reaches Object.prototype', () => {
    const fields = parseFormFields('__proto__[polluted]=yes&constructor[prototype][polluted]=yes&toString=x');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(fields), null);
    assert.deepEqual(Object.keys(fields), ['__proto__', 'constructor', 'toString']);
    assert.equal(fields.toString, 'x');
  });

  it('reads a name outside the bracket grammar, or nested deeper than five, as one literal name', () => {
    assert.deepEqual(parsed('a[b]c=1&[x]=2&a[]=3&d[1][2][3][4][5][6]=4'), {
      'a[b]c': '1',
      '[x]': '2',
      'a[]': '3',
      'd[1][2][3][4][5][6]': '4',
    });
    assert.deepEqual(parsed('d[1][2][3][4][5]=5'), { d: { 1: { 2: { 3: { 4: { 5: '5' } } } } } });
  });

  it('refuses a name that is both a value and a group, whichever comes first', () => {
    for (const body of ['choices=1&choices[0][text]=a', 'choices[0][text]=a&choices=1', 'a[b]=1&a[b][c]=2']) {
      assert.throws(() => parseFormFields(body), FormFieldsError, body);
    }
  });

  it('reads an empty body as no fields', () => {
    assert.deepEqual(parsed(''), {});
  });
});
