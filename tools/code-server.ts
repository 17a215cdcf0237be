/**
 * A real VS Code for tests and `npm start`: code-server (installed by tools/setup-vscode.sh into
 * .tools/) started on a free loopback port with a fresh user-data-dir and extensions-dir, ready
 * when it prints its listening URL, stopped by pid. See CONTRIBUTING.md, "The code-server harness".
 */
import { spawn, spawnSync, ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const runFile = promisify(execFile);

export const ROOT = resolve(__dirname, '..');
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** Where setup-vscode.sh put Node 24 and code-server; a clear error when it did not run. */
export function codeServerPaths(): { node: string; entry: string } {
  const node = join(ROOT, '.tools', `node-v${NODE_VERSION}`, 'bin', 'node');
  const entry = join(
    ROOT,
    '.tools',
    `code-server-${CODE_SERVER_VERSION}`,
    'node_modules',
    'code-server',
    'out',
    'node',
    'entry.js',
  );
  if (!existsSync(node) || !existsSync(entry)) {
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} is not installed in .tools/: run \`bash tools/setup-vscode.sh\` first`,
    );
  }
  return { node, entry };
}

/** Runs tools/setup-vscode.sh (pinned, cached; about 2 minutes once) when code-server is missing. */
export function ensureCodeServer(): { node: string; entry: string } {
  try {
    return codeServerPaths();
  } catch {
    process.stdout.write(
      `Installing code-server ${CODE_SERVER_VERSION} and Node ${NODE_VERSION} into .tools/ (once, about 2 minutes)…\n`,
    );
    const setup = spawnSync('bash', [join(ROOT, 'tools', 'setup-vscode.sh')], { stdio: 'inherit' });
    if (setup.status !== 0) throw new Error('tools/setup-vscode.sh failed (see above)');
    return codeServerPaths();
  }
}

export interface CodeServerOptions {
  /** Extensions dir to use (e.g. one a .vsix was installed into); default a fresh temp dir. */
  extensionsDir?: string;
  /** Extra environment for the server and so for its extension host (tests pass paths here). */
  env?: NodeJS.ProcessEnv;
  /** Lets the workbench honour the URL payload (extensionDevelopmentPath/extensionTestsPath). */
  smokeTestDriver?: boolean;
  /** Called with each line code-server prints (its own log, not the workbench's). */
  onLine?: (line: string) => void;
  /** HOST:PORT to listen on; default 127.0.0.1:0 (a free port). */
  bindAddr?: string;
  /** User settings, on top of QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
}

/** A calm workbench: no welcome page, tips, AI chat sign-in attempts or update checks. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
};

export interface WorkbenchOptions {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

export class CodeServer {
  private constructor(
    private readonly proc: ChildProcess,
    /** http://127.0.0.1:PORT/ */
    readonly url: string,
    readonly dir: string,
    readonly extensionsDir: string,
    private output: string[],
  ) {}

  /** `127.0.0.1:PORT`, the authority of the vscode-remote:// URIs the workbench resolves. */
  get authority(): string {
    return new URL(this.url).host;
  }

  static async start(opts: CodeServerOptions = {}): Promise<CodeServer> {
    const { node, entry } = codeServerPaths();
    const dir = mkdtempSync(join(tmpdir(), 'code-server-'));
    const extensionsDir = opts.extensionsDir ?? join(dir, 'extensions');
    mkdirSync(join(dir, 'user-data', 'User'), { recursive: true });
    writeFileSync(
      join(dir, 'user-data', 'User', 'settings.json'),
      JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2),
    );
    const args = [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      opts.bindAddr ?? '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      join(dir, 'user-data'),
      '--extensions-dir',
      extensionsDir,
      '--config',
      join(dir, 'config.yaml'),
      '--ignore-last-opened',
    ];
    if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
    // Own process group so stop() can end the server together with its extension hosts.
    const proc = spawn(node, args, {
      cwd: dir,
      // No extension gallery: tests and the demo work offline and never fetch extensions.
      env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const output: string[] = [];
    const url = await new Promise<string>((resolveUrl, reject) => {
      let pending = '';
      const onData = (d: Buffer) => {
        pending += d.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          output.push(line);
          if (output.length > 200) output.shift();
          opts.onLine?.(line);
          const m = /HTTP server listening on (http:\/\/[^\s]+)/.exec(line);
          if (m) resolveUrl(m[1].endsWith('/') ? m[1] : `${m[1]}/`);
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('error', reject);
      proc.once('exit', (code, signal) =>
        reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output.join('\n')}`)),
      );
    });
    const server = new CodeServer(proc, url, dir, extensionsDir, output);
    // If our process ends without stop() (a crash, process.exit), the detached server must not
    // outlive it: a synchronous kill of its process group on exit.
    process.on('exit', server.killOnExit);
    return server;
  }

  private readonly killOnExit = (): void => {
    try {
      if (this.proc.pid && this.proc.exitCode === null && this.proc.signalCode === null)
        process.kill(-this.proc.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };

  /** The workbench URL; local paths become vscode-remote://AUTHORITY/ABS as the payload needs. */
  workbenchUrl(opts: WorkbenchOptions = {}): string {
    const u = new URL(this.url);
    if (opts.folder) u.searchParams.set('folder', resolve(opts.folder));
    const payload: [string, string][] = [];
    const remote = (p: string) => `vscode-remote://${this.authority}${resolve(p)}`;
    if (opts.extensionDevelopmentPath)
      payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
    if (payload.length) u.searchParams.set('payload', JSON.stringify(payload));
    return u.toString();
  }

  /** The last lines code-server printed, for error messages. */
  log(): string {
    return this.output.join('\n');
  }

  get exited(): Promise<number | null> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve(this.proc.exitCode);
    return new Promise((r) => this.proc.once('exit', (code) => r(code)));
  }

  async stop(): Promise<void> {
    process.off('exit', this.killOnExit);
    if (this.proc.exitCode === null && this.proc.signalCode === null && this.proc.pid) {
      const gone = this.exited;
      try {
        process.kill(-this.proc.pid, 'SIGTERM');
      } catch {
        this.proc.kill('SIGTERM');
      }
      await gone;
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `code-server --install-extension FILE.vsix` into an extensions dir, as a user installs it. */
export async function installExtension(vsix: string, extensionsDir: string): Promise<string> {
  const { node, entry } = codeServerPaths();
  const dir = mkdtempSync(join(tmpdir(), 'code-server-install-'));
  try {
    const { stdout, stderr } = await runFile(
      node,
      [
        entry,
        '--user-data-dir',
        join(dir, 'user-data'),
        '--config',
        join(dir, 'config.yaml'),
        '--extensions-dir',
        extensionsDir,
        '--install-extension',
        resolve(vsix),
      ],
      { cwd: dir, env: { ...process.env, EXTENSIONS_GALLERY: '{}' } },
    );
    return `${stdout}${stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
