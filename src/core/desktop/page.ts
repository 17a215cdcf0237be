/**
 * The desktop page's HTML: an empty shell that loads its own bundle and style; everything in it
 * is built by dist/desktop.js with text nodes, never markup from the wire. The CSP lets only this
 * origin's scripts run (no inline script, no eval), frames only from this origin (the gadgets,
 * /gadgets/ifr), and connections only back to this origin (the control WebSocket).
 */

export function pageHeaders(): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'self'",
    ].join('; '),
  };
}

export function desktopPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Finesse gadget desktop</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/desktop/desktop.css">
<script src="/desktop/desktop.js" defer></script>
</head>
<body>
<div id="desktop" class="desktop"><p class="desktop-status" id="desktop-status">Signing in…</p></div>
</body>
</html>
`;
}
