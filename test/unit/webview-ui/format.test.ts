// Display formats of the webview: invisible characters from the wire shown as escapes.
import assert from 'node:assert/strict';
import { visibleControls } from '../../../webview-ui/src/format';

describe('visibleControls', () => {
  it('shows bidi overrides, zero-width marks, the BOM and C0/C1 controls as \\uXXXX', () => {
    assert.equal(visibleControls('gpj\u202E.exe'), 'gpj\\u202E.exe');
    assert.equal(visibleControls('a\u200Bb\uFEFFc\u0007d\u0085e\u2067f'), 'a\\u200Bb\\uFEFFc\\u0007d\\u0085e\\u2067f');
  });

  it('keeps tab, newline, carriage return and ordinary text (any script) as they are', () => {
    const text = 'line\tone\r\nλ 日本 مرحبا "quoted" <tag/>';
    assert.equal(visibleControls(text), text);
  });
});
