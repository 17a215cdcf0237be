// Diagnostics for an edited hub frame (src/core/validation/hubRecord.ts): JSON errors where the
// parser stopped, record errors on the field that is wrong.
import assert from 'node:assert/strict';
import { validateHubText } from '../../../../src/core/validation/hubRecord';
import { formatDiagnostic } from '../../../../src/core/validation/diagnostic';

const good = JSON.stringify({ topic: 'a.b', from: 'desktop', to: ['1 G'], payload: { x: 1 }, causedBy: 3 }, null, 2);
const lines = (text: string) => validateHubText(text).map(formatDiagnostic);

describe('hub record diagnostics', () => {
  it('find nothing wrong with a record', () => {
    assert.deepEqual(validateHubText(good), []);
    assert.deepEqual(validateHubText('{"topic":"a","from":"3 G","to":[],"payload":null}'), []);
  });

  it('put a JSON error on the line and column where the parser stopped', () => {
    // A comma missing at the end of line 3: the parser stops at the next key, line 4 column 3.
    const text = good.replace('"desktop",', '"desktop"');
    const [d, ...more] = validateHubText(text);
    assert.deepEqual(more, []);
    assert.equal(d.source, 'json');
    assert.equal(d.severity, 'error');
    assert.equal(d.line, 4);
    assert.equal(d.column, 3);
    assert.match(d.message, /^Not valid JSON: Expected ','/);
    const cut = validateHubText('{\n  "topic": "a"');
    assert.equal(cut[0].line, 2, 'an unexpected end is at the end');
  });

  it('put a record error on the field that is wrong, a missing one on the first line', () => {
    assert.deepEqual(lines(good.replace('"to": [\n    "1 G"\n  ]', '"to": "1 G"')), [
      '4:3 error "to" must be a list of strings',
    ]);
    assert.deepEqual(lines(good.replace('"causedBy": 3', '"causedBy": "3"')), [
      '10:3 error "causedBy" must be a frame id',
    ]);
    assert.deepEqual(lines('{"from": "desktop", "to": [], "payload": 1}'), ['1:1 error The record has no "topic"']);
    assert.deepEqual(lines('[1]'), ['1:1 error A hub record is a JSON object {topic, from, to, payload}']);
    assert.deepEqual(lines('{"topic": "a", "from": "d", "to": [], "payload": 1, "to*": 2}'), [
      '1:53 warning "to*" is not part of a hub record and is not sent',
    ]);
  });
});
