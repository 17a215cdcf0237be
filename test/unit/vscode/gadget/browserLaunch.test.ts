import assert from 'node:assert/strict';
import { browserLaunchConfig, hasDisplay } from '../../../../src/vscode/gadget/browserLaunch';

describe('the browser a gadget debug session launches (js-debug pwa-chrome)', () => {
  const input = {
    url: 'http://127.0.0.1:4711/desktop/',
    origin: 'http://127.0.0.1:4711',
    gadgetFolder: '/home/dev/gadgets',
    userDataDir: '/tmp/profile-1',
  };

  it('opens the desktop with the gadget path mapped to the gadget folder and a fresh profile', () => {
    const c = browserLaunchConfig(input, { DISPLAY: ':0' });
    assert.equal(c.type, 'pwa-chrome');
    assert.equal(c.request, 'launch');
    assert.equal(c.url, input.url);
    assert.deepEqual(c.pathMapping, { '/3rdpartygadget/files/': '/home/dev/gadgets' });
    assert.equal(c.webRoot, '/home/dev/gadgets');
    assert.equal(c.userDataDir, '/tmp/profile-1');
    assert.equal(c.browserLaunchLocation, 'workspace', 'the browser runs beside the local Finesse');
  });

  it('reads the gadget’s own source maps only, and skips the container’s scripts', () => {
    const c = browserLaunchConfig(input, { DISPLAY: ':0' });
    assert.deepEqual(c.resolveSourceMapLocations, [
      '/home/dev/gadgets/**',
      'http://127.0.0.1:4711/3rdpartygadget/files/**',
      '!**/node_modules/**',
    ]);
    assert.ok(c.skipFiles.includes('**/gadgets/js/**'), 'the gadgets.* runtime');
    assert.ok(c.skipFiles.includes('**/finesse*.js'), 'finesse.js, whichever folder it is loaded from');
  });

  it('is headless without a display, or in CI, and windowed with one; the setting wins', () => {
    assert.ok(browserLaunchConfig(input, {}).runtimeArgs.includes('--headless') || process.platform !== 'linux');
    assert.ok(browserLaunchConfig(input, { DISPLAY: ':0', CI: 'true' }).runtimeArgs.includes('--headless'));
    assert.ok(!browserLaunchConfig(input, { DISPLAY: ':0' }).runtimeArgs.includes('--headless'));
    assert.ok(!browserLaunchConfig({ ...input, headless: false }, { CI: '1' }).runtimeArgs.includes('--headless'));
    assert.ok(browserLaunchConfig({ ...input, headless: true }, { DISPLAY: ':0' }).runtimeArgs.includes('--headless'));
    assert.equal(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }), true);
  });

  it('launches the browser the user named', () => {
    assert.equal(
      browserLaunchConfig({ ...input, browser: '/opt/chrome/chrome' }).runtimeExecutable,
      '/opt/chrome/chrome',
    );
  });
});
