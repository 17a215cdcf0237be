/**
 * The gadget's log, forwarded to the container: every console.debug/log/info/warn/error call
 * (passed on to the browser console unchanged first), uncaught errors, unhandled rejections,
 * resources that fail to load and CSP refusals, each with the gadget file and line it came from.
 */
import type { GadgetLogLevel, GadgetSource } from '../../../src/protocol/gadgetHub';
import type { Channel } from './channel';

const MAX_TEXT = 16_000;
const LEVELS: GadgetLogLevel[] = ['debug', 'log', 'info', 'warn', 'error'];

export function forwardLog(ch: Channel, runtimeUrl: string): void {
  const con = console as unknown as Record<GadgetLogLevel, (...args: unknown[]) => void>;
  for (const level of LEVELS) {
    const original = con[level].bind(console);
    con[level] = (...args: unknown[]) => {
      original(...args);
      try {
        ch.send({ type: 'log', level, text: formatArgs(args), source: callerSource(new Error().stack, runtimeUrl) });
      } catch {
        // Logging must never throw into the gadget.
      }
    };
  }
  window.addEventListener(
    'error',
    (e) => {
      if (e instanceof ErrorEvent) {
        ch.send({
          type: 'error',
          message: e.message || String(e.error),
          source: e.filename ? { url: e.filename, line: e.lineno, column: e.colno } : undefined,
          stack: e.error instanceof Error ? e.error.stack : undefined,
        });
        return;
      }
      // A <script>, <link> or <img> that failed to load reaches here only in the capture phase.
      const el = (e as Event).target as Element | null;
      if (!el || el === (window as unknown) || !('getAttribute' in el)) return;
      const url = (el as HTMLScriptElement).src || (el as HTMLLinkElement).href || '';
      ch.send({ type: 'error', message: `failed to load <${el.tagName.toLowerCase()}> ${url}` });
    },
    true,
  );
  window.addEventListener('unhandledrejection', (e) => {
    const r: unknown = e.reason;
    ch.send({
      type: 'error',
      message: `Unhandled promise rejection: ${r instanceof Error ? r.message : formatArgs([r])}`,
      stack: r instanceof Error ? r.stack : undefined,
    });
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    ch.send({
      type: 'log',
      level: 'warn',
      text: `blocked by the gadget frame's Content-Security-Policy (${e.effectiveDirective}): ${e.blockedURI || 'inline'}; the frame loads this server's origin only`,
      source: e.sourceFile ? { url: e.sourceFile, line: e.lineNumber, column: e.columnNumber } : undefined,
    });
  });
}

function formatArgs(args: readonly unknown[]): string {
  const text = args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return a.stack ?? `${a.name}: ${a.message}`;
      if (a === undefined || typeof a === 'function' || typeof a === 'symbol') return String(a);
      if (typeof Node !== 'undefined' && a instanceof Node) return `<${a.nodeName.toLowerCase()}>`;
      try {
        return JSON.stringify(a) ?? String(a);
      } catch {
        return String(a);
      }
    })
    .join(' ');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} characters)` : text;
}

/** The first stack frame outside the runtime: where the gadget called console.*. */
function callerSource(stack: string | undefined, runtimeUrl: string): GadgetSource | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /\(?((?:https?|blob):[^\s()]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m || m[1].split('?')[0] === runtimeUrl) continue;
    return { url: m[1], line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
