import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileOfUrl, within } from '../../../../src/vscode/gadget/gadgetPaths';

describe('gadget paths: a URL on the desktop origin → the file of the gadget folder', () => {
  const origin = 'http://127.0.0.1:4711';
  const folder = resolve('/home/dev/gadgets');

  it('maps a gadget URL to the file it serves', () => {
    const url = `${origin}/3rdpartygadget/files/Hello/Hello.js`;
    assert.equal(fileOfUrl(url, origin, folder), join(folder, 'Hello', 'Hello.js'));
  });

  it('decodes names with spaces and non-ASCII letters', () => {
    const url = `${origin}/3rdpartygadget/files/My%20Gadget/gr%C3%B6%C3%9Fe.js`;
    assert.equal(fileOfUrl(url, origin, folder), join(folder, 'My Gadget', 'größe.js'));
  });

  it('ignores the query and hash a gadget adds to its script URLs', () => {
    assert.equal(fileOfUrl(`${origin}/3rdpartygadget/files/a.js?v=3#x`, origin, folder), join(folder, 'a.js'));
  });

  it('answers nothing for another origin, the desktop’s own scripts, bad escapes or a way out of the folder', () => {
    assert.equal(fileOfUrl('http://127.0.0.1:9999/3rdpartygadget/files/a.js', origin, folder), undefined);
    assert.equal(fileOfUrl(`${origin}/desktop/assets/js/finesse.js`, origin, folder), undefined);
    assert.equal(fileOfUrl(`${origin}/3rdpartygadget/files/%E0%A4%A`, origin, folder), undefined);
    assert.equal(fileOfUrl(`${origin}/3rdpartygadget/files/..%2F..%2Fetc%2Fpasswd`, origin, folder), undefined);
    assert.equal(fileOfUrl('not a url', origin, folder), undefined);
  });

  it('within(): the folder itself and what is below it, not a sibling with the same prefix', () => {
    assert.equal(within(folder, folder), true);
    assert.equal(within(folder, join(folder, 'x', 'y.js')), true);
    assert.equal(within(folder, `${folder}-old/y.js`), false);
    assert.equal(within(folder, resolve(folder, '..')), false);
  });
});
