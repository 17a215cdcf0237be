// The benchmark suites: name → whether a bare `npm run bench` runs it, and its module
// (bench/<name>.ts exporting `run(): Promise<object>`, the figures it prints).
export interface Suite {
  inDefault: boolean;
  load: () => Promise<{ run(): Promise<object> }>;
}

export const suites: Record<string, Suite> = {
  proxy: { inDefault: true, load: () => import('./proxy') },
  load: { inDefault: false, load: () => import('./load') },
  peers: { inDefault: false, load: () => import('./peers') },
  soak: { inDefault: false, load: () => import('./soak') },
  webview: { inDefault: true, load: () => import('./webview') },
  session: { inDefault: true, load: () => import('./session') },
  reverse: { inDefault: true, load: () => import('./reverse') },
  recording: { inDefault: true, load: () => import('./recording') },
  intercept: { inDefault: true, load: () => import('./intercept') },
  redaction: { inDefault: true, load: () => import('./redaction') },
  timeline: { inDefault: true, load: () => import('./timeline') },
  hostLoad: { inDefault: true, load: () => import('./hostLoad') },
  webviewMillion: { inDefault: false, load: () => import('./webviewMillion') },
  desktop: { inDefault: true, load: () => import('./desktop') },
  filterKeys: { inDefault: true, load: () => import('./filterKeys') },
  filterKeysMillion: { inDefault: false, load: async () => ({ run: (await import('./filterKeys')).runMillion }) },
};
