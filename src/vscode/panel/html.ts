/**
 * The frames webview's HTML: a strict CSP (no inline script or style; the one script carries a
 * nonce), the stylesheet and script from the extension's own files. Frame text never appears
 * here: the webview builds its DOM from messages with textContent only.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title?: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function panelHtml(opts: PanelHtmlOptions): string {
  const nonce = opts.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(opts.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(opts.styleUri)}">
<title>${attr(opts.title ?? 'Finesse Frames')}</title>
</head>
<body>
<div id="app" class="app"></div>
<script nonce="${attr(nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>`;
}
