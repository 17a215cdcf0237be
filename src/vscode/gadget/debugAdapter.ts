/**
 * The `finesse-gadget` session's own debug adapter, inline in the extension host
 * (vscode.DebugAdapterInlineImplementation). It debugs nothing itself: `launch` starts the
 * gadget desktop and a child js-debug session (the browser, where breakpoints bind), and
 * `disconnect`/`terminate` stop them. What it adds to VS Code's debugging is the gadget's log as
 * Debug Console output events, so console.* lines and errors appear beside the paused stack.
 * Only the few DAP requests a session without threads needs are answered; any other gets an
 * error response rather than silence, so VS Code never waits on it.
 */
import * as vscode from 'vscode';

interface DapRequest {
  seq: number;
  type: 'request';
  command: string;
  arguments?: unknown;
}

/** What the adapter asks of the session that owns the desktop and the child session. */
export interface GadgetLaunch {
  /** Starts everything; resolves once the browser is launched. Rejects with what went wrong. */
  start(adapter: GadgetDebugAdapter): Promise<void>;
  /** Stops what start() started; safe to call twice. */
  stop(): Promise<void>;
}

export type OutputCategory = 'console' | 'stdout' | 'stderr' | 'important';

export class GadgetDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private seq = 1;
  private ended = false;

  constructor(private readonly launch: GadgetLaunch) {}

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const req = message as DapRequest;
    if (req.type !== 'request') return;
    void this.answer(req);
  }

  private async answer(req: DapRequest): Promise<void> {
    switch (req.command) {
      case 'initialize':
        this.respond(req, { supportsTerminateRequest: true, supportsConfigurationDoneRequest: true });
        this.event('initialized');
        return;
      case 'launch':
      case 'attach':
        try {
          await this.launch.start(this);
          this.respond(req);
        } catch (e) {
          this.fail(req, (e as Error).message);
          this.terminated();
        }
        return;
      case 'configurationDone':
      case 'setBreakpoints':
      case 'setExceptionBreakpoints':
      case 'setFunctionBreakpoints':
        // Breakpoints belong to the child session (js-debug); this session holds no code.
        this.respond(req, req.command === 'setBreakpoints' ? { breakpoints: [] } : undefined);
        return;
      case 'threads':
        this.respond(req, { threads: [] });
        return;
      case 'disconnect':
      case 'terminate':
        await this.launch.stop();
        this.respond(req);
        this.terminated();
        return;
      default:
        this.fail(
          req,
          `${req.command} is not supported by a Finesse gadget session (its child session debugs the code)`,
        );
    }
  }

  /** A line in the Debug Console. */
  output(
    text: string,
    category: OutputCategory = 'console',
    source?: { path: string; line: number; column?: number },
  ): void {
    if (this.ended) return;
    this.event('output', {
      category,
      output: text.endsWith('\n') ? text : `${text}\n`,
      ...(source
        ? {
            source: { path: source.path, name: source.path.split(/[\\/]/).pop() },
            line: source.line,
            column: source.column ?? 1,
          }
        : {}),
    });
  }

  /** Ends the session from this side (the browser was closed, the desktop stopped). */
  terminated(): void {
    if (this.ended) return;
    this.ended = true;
    this.event('terminated');
  }

  private respond(req: DapRequest, body?: unknown): void {
    this.send({
      type: 'response',
      request_seq: req.seq,
      command: req.command,
      success: true,
      ...(body ? { body } : {}),
    });
  }

  private fail(req: DapRequest, message: string): void {
    this.send({
      type: 'response',
      request_seq: req.seq,
      command: req.command,
      success: false,
      message,
      body: { error: { id: 1, format: message, showUser: true } },
    });
  }

  private event(event: string, body?: unknown): void {
    this.send({ type: 'event', event, ...(body ? { body } : {}) });
  }

  private send(m: Record<string, unknown>): void {
    this.sent.fire({ seq: this.seq++, ...m } as vscode.DebugProtocolMessage);
  }

  dispose(): void {
    this.sent.dispose();
  }
}
