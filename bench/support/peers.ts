/**
 * The proxies `npm run bench -- peers` compares, each started as its own process the way a user
 * runs it: the CLI (JSON lines into a pipe that a reader drains, or --quiet) and mitmproxy's
 * `mitmdump` in reverse mode. CPU time is read from /proc, so any program can be measured alike.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, connect, AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Microseconds of CPU (user + system) a process has used, from /proc/PID/stat. */
export function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15, in clock ticks (100/s).
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

/**
 * Resolves once the process has gone quiet (under 10% of a core over 200 ms): a CLI still
 * printing the JSON lines of a throughput phase would otherwise take the CPU from whatever is
 * measured next (its own latency phase, the next mode). Gives up after `maxMs`.
 */
export async function settle(pid: number, maxMs = 30_000): Promise<void> {
  const until = performance.now() + maxMs;
  for (;;) {
    const before = procCpuMicros(pid);
    await new Promise((r) => setTimeout(r, 200));
    if (procCpuMicros(pid) - before < 20_000 || performance.now() > until) return;
  }
}

export interface Peer {
  url: string;
  /** The process doing the proxying (CPU is measured on it). */
  pid: number;
  stop(): Promise<{ linesPrinted?: number; saved?: { frames: number; lost: number } }>;
}

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/**
 * `finesse-frames proxy --target TARGET [...extra]` with stdout into a pipe read by `wc -l` (after
 * the listening line): a reader that keeps up, as a terminal or `jq` would try to.
 */
export async function startCli(target: string, extra: string[] = []): Promise<Peer> {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = `${q(process.execPath)} ${q(CLI)} proxy --target ${q(target)} ${extra.map(q).join(' ')} | { trap '' TERM; IFS= read -r line; echo "$line"; exec wc -l; }`;
  const sh = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Passed on as it comes; kept to read --save's closing summary from.
  let stderr = '';
  sh.stderr!.on('data', (c: Buffer) => {
    process.stderr.write(c);
    stderr += c.toString();
  });
  const lines = createInterface({ input: sh.stdout! });
  const out: string[] = [];
  const waiters: (() => void)[] = [];
  lines.on('line', (l) => {
    out.push(l);
    waiters.shift()?.();
  });
  const nextLine = async (i: number) => {
    while (out.length <= i) await new Promise<void>((r) => waiters.push(r));
    return out[i];
  };
  const { listening } = JSON.parse(await nextLine(0)) as { listening: string };
  const pid = childPid(sh.pid!, 'node');
  return {
    url: listening,
    pid,
    async stop() {
      const exited = once(sh, 'exit');
      process.kill(pid, 'SIGTERM');
      const count = Number((await nextLine(1)).trim());
      await exited;
      const saved = /saved (\d+) frames .*?(?:(\d+) fell out of memory|$)/m.exec(stderr);
      return {
        linesPrinted: count,
        ...(saved ? { saved: { frames: Number(saved[1]), lost: Number(saved[2] ?? 0) } } : {}),
      };
    },
  };
}

/** `mitmdump` in reverse mode in front of TARGET_PORT, or undefined when it is not installed. */
export async function startMitmdump(targetPort: number): Promise<Peer | undefined> {
  const port = await freePort();
  let proc: ChildProcess;
  try {
    proc = spawn(
      'mitmdump',
      [
        '--mode',
        `reverse:http://127.0.0.1:${targetPort}/`,
        '--listen-host',
        '127.0.0.1',
        '--listen-port',
        String(port),
        '--set',
        'termlog_verbosity=warn',
      ],
      {
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    const failed = once(proc, 'error').then(() => false);
    const up = await Promise.race([waitForPort(port, proc), failed]);
    if (!up) return undefined;
  } catch {
    return undefined;
  }
  return {
    url: `ws://127.0.0.1:${port}/ws/`,
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode === null) {
        const gone = once(proc, 'exit');
        proc.kill('SIGTERM');
        await gone;
      }
      return {};
    },
  };
}

function childPid(parent: number, comm: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const c = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && c === comm) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no ${comm} child of ${parent}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** Resolves true once something accepts connections on the port, false if the process exits. */
async function waitForPort(port: number, proc: ChildProcess): Promise<boolean> {
  for (;;) {
    if (proc.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
}
