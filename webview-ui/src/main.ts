/**
 * Entry of the frames webview bundle (dist/webview.js). Runs inside a VS Code webview (or the
 * test page that stands in for it) under a strict CSP: this script is the only one, carried by
 * the page's nonce.
 */
import { App } from './app';
import { HostChannel } from './host';

function main(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('frames panel: #app missing');
  new App(root, new HostChannel()).start();
}

main();
