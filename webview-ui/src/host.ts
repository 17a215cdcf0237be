/**
 * The webview's side of the protocol: typed postMessage to the extension host, request/response
 * by message id, and the persisted state. `acquireVsCodeApi` is provided by VS Code (or by the
 * test page standing in for it) and may be called once.
 */
import type { FromWebview, ResponseOf, ToWebview, WebviewRequest, WebviewState } from '../../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Notice = Exclude<ToWebview, { requestId: number }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

export class HostChannel {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private pending = new Map<number, { resolve: (m: ToWebview) => void; reject: (e: Error) => void }>();
  private listener: ((m: Notice) => void) | undefined;

  constructor() {
    window.addEventListener('message', (ev: MessageEvent) => this.receive(ev.data as ToWebview));
  }

  /** Every host message that is not an answer, in the order the host sent them. */
  onNotice(listener: (m: Notice) => void): void {
    this.listener = listener;
  }

  post(message: Exclude<FromWebview, WebviewRequest>): void {
    this.api.postMessage(message);
  }

  request<R extends WithoutId<WebviewRequest>>(message: R): Promise<ResponseOf[R['type']]> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (m: ToWebview) => void, reject });
      this.api.postMessage({ ...message, requestId });
    });
  }

  get state(): WebviewState {
    const s = this.api.getState();
    return s && typeof s === 'object' ? (s as WebviewState) : {};
  }

  saveState(patch: Partial<WebviewState>): void {
    this.api.setState({ ...this.state, ...patch });
  }

  private receive(m: ToWebview): void {
    if (!m || typeof m !== 'object' || typeof (m as { type?: unknown }).type !== 'string') return;
    if ('requestId' in m) {
      const p = this.pending.get(m.requestId);
      if (!p) return;
      this.pending.delete(m.requestId);
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
      return;
    }
    this.listener?.(m);
  }
}
