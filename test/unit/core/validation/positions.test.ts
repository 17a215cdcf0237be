import assert from 'node:assert/strict';
import { LineIndex, scanTags } from '../../../../src/core/validation/positions';

describe('positions', () => {
  describe('scanTags', () => {
    it('finds start tags in document order with names, attributes and end tags', () => {
      const text = `<a x="1" y='2>'><b/><!-- <no/> --><c><![CDATA[<no/>]]></c></a>`;
      const spans = scanTags(text);
      assert.deepEqual(
        spans.map((s) => s.name),
        ['a', 'b', 'c'],
      );
      const [a, b, c] = spans;
      assert.equal(text.slice(a.nameRange.start, a.nameRange.end), 'a');
      assert.equal(text.slice(a.attrs.get('y')!.value.start, a.attrs.get('y')!.value.end), '2>');
      assert.equal(text.slice(a.start, a.end), `<a x="1" y='2>'>`);
      assert.equal(b.selfClosing, true);
      assert.equal(b.close, undefined);
      assert.equal(text.slice(c.close!.start, c.close!.end), '</c>');
      assert.equal(text.slice(a.close!.start, a.close!.end), '</a>');
    });

    it('skips the XML declaration and keeps prefixed names', () => {
      assert.deepEqual(
        scanTags('<?xml version="1.0"?>\n<stream:features xmlns:stream="s"><x:y/></stream:features>').map(
          (s) => s.name,
        ),
        ['stream:features', 'x:y'],
      );
    });
  });

  describe('LineIndex', () => {
    const index = new LineIndex('ab\ncd\r\n  ef  \n');

    it('maps offsets to 1-based lines and columns and back', () => {
      assert.deepEqual(index.position(0), { line: 1, column: 1 });
      assert.deepEqual(index.position(3), { line: 2, column: 1 });
      assert.deepEqual(index.position(9), { line: 3, column: 3 });
      assert.equal(index.offset(3, 3), 9);
      assert.equal(index.offset(2, 99), 5, 'clamped before the CR');
    });

    it('gives the non-blank part of a line', () => {
      const r = index.lineRange(3);
      assert.equal(index.text.slice(r.start, r.end), 'ef');
    });

    it('converts libxml2 byte columns to character offsets', () => {
      const t = new LineIndex('x\n€ü<a');
      // '€' is 3 bytes and 'ü' 2, so byte column 6 is the '<'.
      assert.equal(t.text[t.offsetOfByteColumn(2, 6)], '<');
    });
  });
});
