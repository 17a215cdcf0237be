/**
 * A gadget's log in VS Code: one LogOutputChannel per gadget (`Finesse Gadget: TITLE`) for its
 * console.* and finesse.clientLogging lines, the same lines in the Debug Console of the gadget's
 * debug session, and its errors (an uncaught exception, a refused makeRequest) as Problems on the
 * workspace file and line they point to, or as a notification when they point nowhere in the
 * workspace (the desktop's own scripts, another origin). A click on the Problem opens the line.
 * Everything here came from the browser: it is shown as text only.
 */
import * as vscode from 'vscode';
import type { GadgetLogLevel, GadgetSource } from '../../protocol/gadgetHub';
import { Disposable } from '../disposable';
import { fileOfUrl } from './gadgetPaths';

export interface GadgetLogLine {
  mid: string;
  title: string;
  level: GadgetLogLevel;
  text: string;
  source?: GadgetSource;
  /** finesse.js's ClientLogger (hub topic finesse.clientLogging.*), which also writes to the console. */
  via?: 'console' | 'clientLogging';
}

export interface GadgetErrorReport {
  mid: string;
  title: string;
  message: string;
  source?: GadgetSource;
  stack?: string;
}

/** Where the Debug Console lines go (the debug adapter), when a debug session runs. */
export interface ConsoleSink {
  output(text: string, category?: 'console' | 'stderr', source?: { path: string; line: number; column?: number }): void;
}

/** Bounds what one chatty or broken gadget can do to the editor. */
const MAX_PROBLEMS_PER_FILE = 50;
const MAX_TEXT = 4000;
const MAX_NOTIFIED = 100;

/**
 * The gadgets' channels, one per title, kept for the window's life: a log stays readable after
 * its debug session ended, and the next session writes on in the same channel.
 */
export class GadgetChannels extends Disposable {
  private readonly channels = new Map<string, vscode.LogOutputChannel>();
  private readonly written = this.register(new vscode.EventEmitter<WrittenLine>());
  /** Every line written to a gadget's channel (the extension's API offers it to scripts and tests). */
  readonly onDidWrite = this.written.event;

  get(title: string): vscode.LogOutputChannel {
    const name = `Finesse Gadget: ${title || 'untitled'}`;
    let ch = this.channels.get(name);
    if (!ch) {
      ch = this.register(vscode.window.createOutputChannel(name, { log: true }));
      this.channels.set(name, ch);
    }
    return ch;
  }

  write(title: string, level: GadgetLogLevel, text: string): void {
    const ch = this.get(title);
    if (level === 'error') ch.error(text);
    else if (level === 'warn') ch.warn(text);
    else if (level === 'debug') ch.debug(text);
    else ch.info(text);
    this.written.fire({ title, level, text });
  }
}

export interface WrittenLine {
  title: string;
  level: GadgetLogLevel;
  text: string;
}

/** One desktop's log: its gadgets' lines and errors, mapped back to the gadget folder. */
export class GadgetLogs {
  private readonly problems = new Map<string, vscode.Diagnostic[]>();
  private readonly notified = new Set<string>();
  /** The last console lines per gadget, so a ClientLogger line (console first, hub next) shows once. */
  private readonly recent = new Map<string, string[]>();
  sink: ConsoleSink | undefined;
  /**
   * Whether console.* lines go to the sink too. A js-debug session prints the page's console
   * itself; only lines it cannot see (the hub's client logging, errors) are echoed then.
   */
  echoConsole = true;

  constructor(
    private readonly channels: GadgetChannels,
    private readonly diagnostics: vscode.DiagnosticCollection,
    /** The desktop's origin and the folder it serves, to map URLs back to files. */
    private readonly origin: string,
    private readonly folder: string,
  ) {}

  log(line: GadgetLogLine): void {
    const text = clip(line.text);
    const seen = this.recent.get(line.mid) ?? [];
    if (line.via === 'clientLogging') {
      const i = seen.indexOf(text);
      if (i >= 0) {
        seen.splice(i, 1);
        return; // its console line was shown already
      }
    } else {
      seen.push(text);
      if (seen.length > 20) seen.shift();
      this.recent.set(line.mid, seen);
    }
    const file = line.source ? fileOfUrl(String(line.source.url), this.origin, this.folder) : undefined;
    const at = position(line.source?.line);
    const where = line.source
      ? ` (${file ? vscode.workspace.asRelativePath(file) : String(line.source.url)}${at ? `:${at}` : ''})`
      : '';
    this.channels.write(line.title, line.level, text + where);
    if (line.via !== 'clientLogging' && !this.echoConsole) return;
    this.sink?.output(
      `[${line.title}] ${text}`,
      line.level === 'error' ? 'stderr' : 'console',
      file && at ? { path: file, line: at, column: position(line.source?.column) } : undefined,
    );
  }

  error(report: GadgetErrorReport): void {
    const message = clip(report.message);
    const at = this.locate(report);
    const where = at ? ` (${vscode.workspace.asRelativePath(at.file)}:${at.line})` : '';
    this.channels.write(report.title, 'error', `${message}${where}${report.stack ? `\n${clip(report.stack)}` : ''}`);
    // An error with a stack was thrown in the page, which js-debug prints itself; the container's
    // reports (a spec that does not parse, a refused makeRequest) it cannot see.
    if (this.echoConsole || !report.stack)
      this.sink?.output(
        `[${report.title}] ${message}`,
        'stderr',
        at ? { path: at.file, line: at.line, column: at.column } : undefined,
      );
    if (at) {
      const list = this.problems.get(at.file) ?? [];
      const line = Math.max(0, at.line - 1);
      const col = Math.max(0, (at.column ?? 1) - 1);
      const d = new vscode.Diagnostic(
        new vscode.Range(line, col, line, col + 1),
        message,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = `Finesse gadget ${report.title}`;
      if (list.some((p) => p.message === d.message && p.range.isEqual(d.range))) return;
      list.push(d);
      if (list.length > MAX_PROBLEMS_PER_FILE) list.shift();
      this.problems.set(at.file, list);
      this.diagnostics.set(vscode.Uri.file(at.file), list);
      return;
    }
    // Once per message: a gadget failing in a loop must not bury the window in notifications.
    const key = `${report.title}\n${message}`;
    if (this.notified.has(key) || this.notified.size >= MAX_NOTIFIED) return;
    this.notified.add(key);
    const show = 'Show Log';
    void vscode.window.showErrorMessage(`Finesse gadget ${report.title}: ${message}`, show).then((a) => {
      if (a === show) this.channels.get(report.title).show(true);
    });
  }

  /** The workspace file and line an error points to: its source, else the first stack line in the folder. */
  private locate(report: GadgetErrorReport): { file: string; line: number; column?: number } | undefined {
    if (report.source) {
      const file = fileOfUrl(String(report.source.url), this.origin, this.folder);
      if (file) return { file, line: position(report.source.line) ?? 1, column: position(report.source.column) };
    }
    for (const m of (report.stack ?? '').matchAll(/(https?:\/\/[^\s()]+?):(\d+)(?::(\d+))?(?=[\s)]|$)/g)) {
      const file = fileOfUrl(m[1], this.origin, this.folder);
      if (file) return { file, line: Number(m[2]), column: m[3] ? Number(m[3]) : undefined };
    }
    return undefined;
  }

  /** A saved change may fix what was reported: the gadget reloads and reports again if not. */
  clearFile(file: string): void {
    if (!this.problems.delete(file)) return;
    this.diagnostics.delete(vscode.Uri.file(file));
  }
}

/** A 1-based line or column from the page, or undefined when it is not one. */
function position(n: unknown): number | undefined {
  const v = Number(n);
  return Number.isInteger(v) && v > 0 ? v : undefined;
}

function clip(text: string): string {
  const s = String(text);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}… (${s.length} characters)` : s;
}
