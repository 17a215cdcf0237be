/**
 * Finesse: Start Simulator / Stop Simulator — the local Finesse of `finesse-frames simulate`
 * (REST, /ws/, BOSH and a gadget folder on one origin) inside the extension host, so a gadget can
 * be developed against it and its frames watched with Connect or a proxy.
 *
 * - `finesse.startSimulator` with `{ port?, host?, serve?, scenario?, loop? }` (tests, scripts)
 *   starts at once and resolves with the endpoints (`{ listening, rest, bosh, domain, c2s }`); from the
 *   palette it asks for an optional gadget folder, then shows the addresses with Copy / Connect.
 *   `scenario` is a JSON/YAML file or "idle"; default: the demo day for agent1 (password agent1).
 * - A second start while one runs answers the running one's endpoints.
 * - REST calls and published Updates are logged to the Finesse output channel (never a password).
 */
import * as vscode from 'vscode';
import { allowedOrigins } from '../proxy/listenerSecurity';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GadgetDesktop } from '../../core/desktop/gadgetDesktop';
import type { FinesseSimulator, SimulatorUrls } from '../../core/simulator/simulator';
import type { Services } from '../services';

interface StartSimulatorArgs {
  port?: number;
  host?: string;
  /** Folder served at /3rdpartygadget/files/. */
  serve?: string;
  /** Scenario file (JSON or YAML), or "idle" for no scripted steps. */
  scenario?: string;
  loop?: boolean;
  /** The gadget desktop at /desktop/ (its frames in the extension's store, its hub behind intercept). */
  desktop?: { layout?: string; finesseJs?: string };
}

/** The simulator's built-in login; a local test account, not a secret. */
const DEMO_USER = 'agent1';
const DEMO_PASSWORD = 'agent1';

/**
 * The running local Finesse, one per window: the commands below and the features built on it
 * (the gadget desktop, src/vscode/gadget) start and stop it through this object.
 */
export class LocalFinesse {
  running: { sim: FinesseSimulator; urls: SimulatorUrls; args: StartSimulatorArgs } | undefined;
  start!: (args?: StartSimulatorArgs) => Promise<SimulatorUrls>;
  stop!: () => Promise<void>;

  /**
   * The local Finesse with the gadget desktop serving `serve`: started now (`started`), or the
   * running one when it already serves that folder with a desktop; a running one without it is
   * an error saying so (stopping it would cut off whoever uses it).
   */
  async startDesktop(args: {
    serve: string;
    port?: number;
    desktop: { layout?: string; finesseJs?: string };
  }): Promise<{ desktop: GadgetDesktop; url: string; origin: string; started: boolean }> {
    const before = this.running;
    if (before && (!before.sim.desktop || resolve(before.args.serve ?? '') !== resolve(args.serve)))
      throw new Error(
        `the local Finesse is running ${before.sim.desktop ? `for ${before.args.serve}` : 'without the gadget desktop'}: stop it (Finesse: Stop Simulator) and start again`,
      );
    const urls = await this.start({ serve: args.serve, port: args.port, scenario: 'idle', desktop: args.desktop });
    const desktop = this.running?.sim.desktop;
    if (!desktop?.url) throw new Error('the local Finesse started without its gadget desktop');
    return { desktop, url: desktop.url, origin: new URL(urls.rest).origin, started: !before };
  }

  runs(desktop: GadgetDesktop | object): boolean {
    return !!desktop && this.running?.sim.desktop === desktop;
  }
}

export function register(services: Services, local: LocalFinesse): vscode.Disposable[] {
  const { log } = services;

  async function start(args: StartSimulatorArgs = {}): Promise<SimulatorUrls> {
    if (local.running) return local.running.urls;
    // Loaded on first use: activation stays light.
    const { FinesseSimulator } = await import('../../core/simulator/simulator');
    const { idleScenario, parseScenario } = await import('../../core/simulator/scenario');
    const { ownConnectSessions } = await import('../../core/simulator/capture');
    const scenario =
      args.scenario === undefined
        ? undefined
        : args.scenario === 'idle'
          ? idleScenario()
          : parseScenario(await readFile(args.scenario, 'utf8'), args.scenario);
    const sim: FinesseSimulator = new FinesseSimulator({
      listen: { host: args.host ?? '127.0.0.1', port: args.port ?? 0 },
      serve: args.serve,
      scenario,
      loop: args.loop,
      users: { [DEMO_USER]: DEMO_PASSWORD },
      allowedOrigins: allowedOrigins(),
      // XMPP over TCP offers STARTTLS with a certificate kept with the extension's storage.
      c2s: { certDir: join(services.context.globalStorageUri.fsPath, 'local-finesse') },
      store: services.store,
      // Connect to it is captured by our session already: not a second time from this side.
      alreadyCaptured: ownConnectSessions(services.store, () => sim.url),
      desktop: args.desktop && { ...args.desktop, gate: services.interceptGate, live: services.live },
    });
    sim.on('rest', (c) =>
      log.info(`simulator REST ${c.method} ${c.path} → ${c.status}${c.requestId ? ` requestId=${c.requestId}` : ''}`),
    );
    sim.on('update', (d) => log.info(`simulator Update on ${d.node} → ${d.to.length ? d.to.join(', ') : 'no client'}`));
    await sim.listen();
    const urls = sim.endpoints as SimulatorUrls;
    local.running = { sim, urls, args };
    await vscode.commands.executeCommand('setContext', 'finesse.simulating', true);
    log.info(`simulator listening: ${JSON.stringify(urls)}`);
    return urls;
  }

  async function stop(): Promise<void> {
    const r = local.running;
    local.running = undefined;
    await vscode.commands.executeCommand('setContext', 'finesse.simulating', false);
    await r?.sim.close();
  }

  async function fromPalette(): Promise<SimulatorUrls | undefined> {
    const none = 'No gadget folder';
    const pick = 'Serve a gadget folder…';
    const choice = local.running
      ? none
      : await vscode.window.showQuickPick([none, pick], {
          title: 'Finesse: Start Simulator',
          placeHolder: 'Serve a folder at /3rdpartygadget/files/ on the simulator?',
        });
    if (!choice) return undefined;
    let serve: string | undefined;
    if (choice === pick) {
      const folder = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        openLabel: 'Serve',
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      if (!folder?.[0]) return undefined;
      serve = folder[0].fsPath;
    }
    const urls = await start({ serve });
    const origin = new URL(urls.rest).origin;
    const copy = 'Copy REST URL';
    const connect = 'Connect';
    const where = serve ? ` Gadget: ${origin}/3rdpartygadget/files/.` : '';
    const answer = await vscode.window.showInformationMessage(
      `Finesse simulator at ${origin} (REST ${urls.rest}, WebSocket ${urls.listening}, BOSH ${urls.bosh}, XMPP over TCP ${urls.c2s}); sign in as ${DEMO_USER} / ${DEMO_PASSWORD}.${where}`,
      copy,
      connect,
    );
    if (answer === copy) await vscode.env.clipboard.writeText(urls.rest);
    if (answer === connect)
      await vscode.commands.executeCommand('finesse.connect', {
        url: urls.listening,
        domain: urls.domain,
        user: DEMO_USER,
        password: DEMO_PASSWORD,
      });
    return urls;
  }

  local.start = start;
  local.stop = stop;
  return [
    vscode.commands.registerCommand('finesse.startSimulator', async (args?: StartSimulatorArgs) => {
      try {
        return args && typeof args === 'object' ? await start(args) : await fromPalette();
      } catch (e) {
        const message = `Finesse simulator did not start: ${(e as Error).message}`;
        log.error(message);
        if (args && typeof args === 'object') throw new Error(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('finesse.stopSimulator', () => stop()),
    { dispose: () => void stop() },
  ];
}
