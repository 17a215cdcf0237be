/**
 * Finesse: Start Proxy / Stop Proxy.
 *
 * - `finesse.startProxy` with `{ target, port?, host?, reverse?, domain? }` (tests, scripts)
 *   starts at once and resolves with the listen URL; it rejects on failure (e.g. the port is
 *   taken). A target `xmpp://HOST:5222` fronts XMPP over TCP.
 * - From the palette it asks: WebSocket proxy (target ws(s):// URL, local port), the reverse
 *   HTTPS proxy for the desktop, or XMPP over TCP (xmpp://HOST:5222, the XMPP domain); then
 *   shows the address to use with "Copy".
 * - An upstream certificate the proxy cannot verify is explained with its fingerprint and a
 *   "Trust This Certificate Fingerprint" action that remembers it in `finesse.proxy.targets`
 *   and restarts the proxy on the same port.
 */
import * as vscode from 'vscode';
import type { TlsTrust } from '../../core/session/tls';
import { saveApprovedCertificate } from '../connection/certificates';
import { checkUrl, readProfiles } from '../connection/profiles';
import type { Services } from '../services';
import { ProxyInfo, Proxies } from './proxies';

export { Proxies } from './proxies';

interface StartProxyArgs {
  target: string;
  port?: number;
  host?: string;
  /** The Finesse desktop (https://…) through the local HTTPS listener instead of a ws:// proxy. */
  reverse?: boolean;
  /** XMPP over TCP: the domain clients ask for (default: the target host). */
  domain?: string;
  fingerprint?: string;
  caFile?: string;
}

interface TargetSetting {
  target: string;
  fingerprint?: string;
  caFile?: string;
}

const TITLE = 'Finesse: Start Proxy';

function readTargets(): TargetSetting[] {
  const raw = vscode.workspace.getConfiguration('finesse').get<unknown[]>('proxy.targets') ?? [];
  return (Array.isArray(raw) ? raw : []).filter(
    (t): t is TargetSetting => !!t && typeof (t as TargetSetting).target === 'string',
  );
}

async function rememberTarget(entry: TargetSetting): Promise<void> {
  const others = readTargets().filter((t) => t.target !== entry.target);
  const clean: TargetSetting = { target: entry.target };
  if (entry.fingerprint) clean.fingerprint = entry.fingerprint;
  if (entry.caFile) clean.caFile = entry.caFile;
  await vscode.workspace
    .getConfiguration('finesse')
    .update('proxy.targets', [clean, ...others].slice(0, 20), vscode.ConfigurationTarget.Global);
}

/** Trust the user gave for this upstream before (pinned fingerprint or CA file), if any. */
function savedTrust(target: string): TlsTrust | undefined {
  const t = readTargets().find((x) => x.target === target);
  const p = readProfiles().find((x) => x.url === target);
  const fingerprint = t?.fingerprint ?? p?.fingerprint;
  const caFile = t?.caFile ?? p?.caFile;
  if (!fingerprint && !caFile) return undefined;
  return { ...(fingerprint ? { fingerprint } : {}), ...(caFile ? { caFile } : {}) };
}

/** `xmpp://HOST[:PORT]`: XMPP over TCP rather than a WebSocket URL. */
function isXmppTarget(v: string): boolean {
  return /^xmpp:\/\/[^/\s:]+(?::\d{1,5})?\/?$/i.test(v);
}

function checkPort(v: string): string | undefined {
  const n = Number(v.trim());
  return v.trim() === '' || (Number.isInteger(n) && n >= 0 && n <= 65535)
    ? undefined
    : 'A port number 0–65535 (0 or empty: any free port)';
}

export function register(services: Services, proxies: Proxies): vscode.Disposable[] {
  const { log } = services;

  function announce(info: ProxyInfo): void {
    const copy = 'Copy';
    const show = 'Show Frames';
    const text =
      info.kind === 'ws'
        ? `Finesse proxy listening on ${info.url} → ${info.target}. Point the client at this address.`
        : info.kind === 'tcp'
          ? `Finesse XMPP proxy listening on ${info.url} → ${info.target}. Point the client at this address and trust its STARTTLS certificate (SHA-256 ${info.fingerprint}).`
          : `Finesse desktop proxied at ${info.url} → ${info.target}. Accept its certificate (SHA-256 ${info.fingerprint}) once in the browser.`;
    void vscode.window.showInformationMessage(text, copy, show).then((choice) => {
      if (choice === copy) void vscode.env.clipboard.writeText(info.url);
      if (choice === show) void vscode.commands.executeCommand('finesse.showFrames');
    });
  }

  async function start(args: StartProxyArgs): Promise<ProxyInfo> {
    const trust: TlsTrust | undefined =
      args.fingerprint || args.caFile
        ? { fingerprint: args.fingerprint, caFile: args.caFile }
        : savedTrust(args.target);
    const opts = { target: args.target, port: args.port, host: args.host, trust, domain: args.domain };
    if (isXmppTarget(args.target)) return proxies.startTcp(opts);
    return args.reverse ? proxies.startReverse(opts) : proxies.startWs(opts);
  }

  async function startProxy(args?: StartProxyArgs): Promise<string | undefined> {
    if (args !== undefined && args !== null) {
      if (typeof args.target !== 'string')
        throw new Error('finesse.startProxy expects { target: "wss://…/ws/", port? }');
      if (!args.reverse && !isXmppTarget(args.target) && checkUrl(args.target))
        throw new Error(`finesse.startProxy: ${checkUrl(args.target)}`);
      return (await start(args)).url;
    }
    const kind = await vscode.window.showQuickPick(
      [
        {
          label: '$(plug) WebSocket proxy',
          description: 'point a client (gadget, script, test) at a local ws:// address',
          reverse: false,
        },
        {
          label: '$(globe) Reverse proxy for the Finesse desktop',
          description: 'open the desktop through a local https:// address',
          reverse: true,
        },
        {
          label: '$(server) XMPP over TCP proxy',
          description: 'point an integration (Smack, SleekXMPP, a wallboard) at a local xmpp:// address',
          reverse: false,
          tcp: true,
        },
      ],
      { title: TITLE, placeHolder: 'Which proxy?', ignoreFocusOut: true },
    );
    if (!kind) return undefined;
    if ('tcp' in kind) return startTcpFromPalette();
    if (kind.reverse) {
      const desktop = await vscode.window.showInputBox({
        title: TITLE,
        prompt:
          "The real desktop's address. You then open the local https:// address instead, and its frames are captured.",
        placeHolder: 'https://finesse.example.com:8445',
        ignoreFocusOut: true,
        validateInput: (v) =>
          /^https?:\/\/[^/\s]+/i.test(v.trim())
            ? undefined
            : 'An https:// address, e.g. https://finesse.example.com:8445',
      });
      if (!desktop) return undefined;
      return startAndAnnounce({ target: desktop.trim(), reverse: true });
    }
    const target = await pickTarget();
    if (!target) return undefined;
    const port = await vscode.window.showInputBox({
      title: TITLE,
      prompt: 'Local port to listen on (empty: any free port)',
      value: '',
      ignoreFocusOut: true,
      validateInput: checkPort,
    });
    if (port === undefined) return undefined;
    return startAndAnnounce({ target, port: port.trim() ? Number(port) : 0 });
  }

  async function startTcpFromPalette(): Promise<string | undefined> {
    const target = await vscode.window.showInputBox({
      title: TITLE,
      prompt: "The real server's XMPP address (Finesse's Notification Service listens on 5222)",
      placeHolder: 'xmpp://finesse.example.com:5222',
      ignoreFocusOut: true,
      validateInput: (v) =>
        isXmppTarget(v.trim()) ? undefined : 'An xmpp:// address, e.g. xmpp://finesse.example.com:5222',
    });
    if (!target) return undefined;
    const domain = await vscode.window.showInputBox({
      title: TITLE,
      prompt: 'The XMPP domain the client asks for (empty: the server host name, as on Finesse)',
      ignoreFocusOut: true,
    });
    if (domain === undefined) return undefined;
    return startAndAnnounce({ target: target.trim(), domain: domain.trim() || undefined });
  }

  /** Interactive start: remembers the target, shows the address; errors are shown, not thrown. */
  async function startAndAnnounce(args: StartProxyArgs): Promise<string | undefined> {
    try {
      const info = await start(args);
      await rememberTarget({ target: args.target, ...savedTrust(args.target) });
      announce(info);
      return info.url;
    } catch (e) {
      const msg =
        (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? `port ${args.port} is already in use`
          : (e as Error).message;
      log.error(`start proxy → ${args.target}: ${msg}`);
      void vscode.window
        .showErrorMessage(`Finesse: cannot start the proxy: ${msg}`, 'Retry')
        .then((c) => c && vscode.commands.executeCommand('finesse.startProxy'));
      return undefined;
    }
  }

  async function pickTarget(): Promise<string | undefined> {
    const known = [...new Set([...readTargets().map((t) => t.target), ...readProfiles().map((p) => p.url)])].filter(
      (t) => !checkUrl(t),
    );
    if (known.length) {
      const items: (vscode.QuickPickItem & { target?: string })[] = known.map((t) => ({ label: t, target: t }));
      items.push({ label: '$(edit) Enter a URL…', alwaysShow: true });
      const choice = await vscode.window.showQuickPick(items, {
        title: TITLE,
        placeHolder: 'Forward to which Finesse notification server?',
        ignoreFocusOut: true,
      });
      if (!choice) return undefined;
      if (choice.target) return choice.target;
    }
    const url = await vscode.window.showInputBox({
      title: TITLE,
      prompt: 'The real server’s WebSocket address',
      placeHolder: 'wss://finesse.example.com:8445/ws/',
      ignoreFocusOut: true,
      validateInput: checkUrl,
    });
    return url?.trim() || undefined;
  }

  async function stopProxy(url?: unknown): Promise<number> {
    return proxies.stop(typeof url === 'string' ? url : undefined);
  }

  // One notification per proxy at a time: a client retrying in a loop must not flood the UI.
  const explaining = new Set<string>();
  const onFail = proxies.onDidFail(async ({ proxy, error }) => {
    if (explaining.has(proxy.url)) return;
    explaining.add(proxy.url);
    try {
      if (proxy.kind === 'tcp') {
        // The server's certificate is read after STARTTLS, not by a TLS probe: its error says it.
        await vscode.window
          .showWarningMessage(`Finesse proxy ${proxy.url} → ${proxy.target}: ${error.message}`, 'Show Log')
          .then((c) => c && log.show(true));
        return;
      }
      const { explainTlsError, UntrustedCertificateError } = await import('../../core/session/tls');
      const explained = await explainTlsError(error, proxy.target.replace(/^ws/, 'http'));
      if (explained instanceof UntrustedCertificateError && explained.fingerprint) {
        const fingerprint = explained.fingerprint;
        const trust = 'Trust This Certificate Fingerprint';
        const choice = await vscode.window.showErrorMessage(
          `Finesse proxy ${proxy.url}: the certificate of ${explained.server} is not trusted (${explained.reason}). Its SHA-256 fingerprint is ${fingerprint}; trust it only if it matches your server's certificate.`,
          trust,
          'Copy Fingerprint',
        );
        if (choice === 'Copy Fingerprint') await vscode.env.clipboard.writeText(fingerprint);
        if (choice === trust) {
          // As for Connect: the pin plus the approved certificate itself as CA (see certificates.ts).
          const caFile = await saveApprovedCertificate(services.context, proxy.target, fingerprint);
          await rememberTarget({ target: proxy.target, fingerprint, caFile });
          const info = await proxies.restartWithTrust(proxy.url, { fingerprint, caFile });
          log.info(
            `proxy ${proxy.url}: trusting SHA-256 ${fingerprint} for ${proxy.target} (certificate saved as ${caFile})`,
          );
          if (info) announce(info);
        }
      } else {
        await vscode.window
          .showWarningMessage(`Finesse proxy ${proxy.url} → ${proxy.target}: ${explained.message}`, 'Show Log')
          .then((c) => c && log.show(true));
      }
    } catch (e) {
      log.error(`proxy ${proxy.url}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`Finesse proxy ${proxy.url}: ${(e as Error).message}`);
    } finally {
      explaining.delete(proxy.url);
    }
  });

  return [
    vscode.commands.registerCommand('finesse.startProxy', startProxy),
    vscode.commands.registerCommand('finesse.stopProxy', stopProxy),
    onFail,
  ];
}
