import assert from 'node:assert/strict';
import { identityMap, ignoreListed } from '../../../../src/core/gadgets/runtimeMap';

/** Decodes a mappings string whose fields are single base64 VLQ digits (values -15..15). */
function decode(mappings: string): number[][][] {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return mappings.split(';').map((line) =>
    line
      .split(',')
      .filter(Boolean)
      .map((seg) =>
        [...seg].map((ch) => {
          const v = B64.indexOf(ch);
          assert.ok(v >= 0 && v < 32, 'one digit per field');
          return v & 1 ? -(v >> 1) : v >> 1;
        }),
      ),
  );
}

describe('gadget runtime source map', () => {
  it('ignore-lists every source of the built map and keeps the rest', () => {
    const built = JSON.stringify({ version: 3, sources: ['a.ts', 'b.ts'], mappings: 'AAAA', names: [] });
    const m = JSON.parse(ignoreListed(built)) as Record<string, unknown>;
    assert.deepEqual(m.ignoreList, [0, 1]);
    assert.deepEqual(m.x_google_ignoreList, [0, 1]);
    assert.deepEqual(m.sources, ['a.ts', 'b.ts']);
    assert.equal(m.mappings, 'AAAA');
    assert.equal(ignoreListed('not json'), 'not json');
  });

  it('maps a build without a map onto itself, line for line, ignore-listed', () => {
    const code = 'var a = 1;\nconsole.log(a);\n(function(){})();';
    const m = JSON.parse(identityMap(code, 'gadget-runtime.js')) as {
      mappings: string;
      sources: string[];
      sourcesContent: string[];
      ignoreList: number[];
    };
    assert.deepEqual(m.ignoreList, [0]);
    assert.equal(m.sources.length, 1);
    assert.deepEqual(m.sourcesContent, [code]);
    let srcLine = 0;
    decode(m.mappings).forEach((segments, genLine) => {
      assert.equal(segments.length, 1);
      const [genCol, srcIdx, lineDelta, srcCol] = segments[0];
      srcLine += lineDelta;
      assert.deepEqual([genCol, srcIdx, srcLine, srcCol], [0, 0, genLine, 0]);
    });
    assert.equal(decode(m.mappings).length, 3);
  });
});
