/**
 * REST calls in the frames list: a request row reads `PUT User/agent1 → 202 · READY in 42 ms`,
 * its response row names the call, and an Update caused by a call says which (`← #12`, `← #12?`
 * for a guess). All three carry the call's request id as `link`, so selecting one highlights the
 * others. A hub frame relaying an Update is linked as the XMPP frame it relays is. Applied by the host to rows on their way to the webview; the correlation itself follows
 * the store (core/finesse/correlation.ts). No vscode import.
 */
import type { Frame } from '../../core/capture/frame';
import type { FrameStore } from '../../core/capture/frameStore';
import { callLabel, Correlator, shortPath } from '../../core/finesse/correlation';
import type { RowDto } from '../../protocol/messages';

export function linkRow(row: RowDto, correlation: Correlator): RowDto {
  const call = correlation.effectsOf(row.id);
  if (call) {
    const label =
      row.id === call.request ? callLabel(call) : `← ${call.method} ${shortPath(call.path)} #${call.request}`;
    return { ...row, link: call.request, label };
  }
  const cause = correlation.causeOf(row.relays ?? row.id);
  if (cause)
    return {
      ...row,
      link: cause.request,
      label: `${row.label ?? ''} ← #${cause.request}${cause.guess ? '?' : ''}`.trim(),
    };
  return row;
}

/** The whole exchange of a REST frame, request then response, for the detail pane. */
export function exchangeText(frame: Frame, store: FrameStore, correlation: Correlator): string | undefined {
  if (frame.kind !== 'http') return undefined;
  const call = correlation.effectsOf(frame.id);
  const request = call ? store.get(call.request) : frame.dir === 'out' ? frame : undefined;
  const response = call?.response !== undefined ? store.get(call.response) : frame.dir === 'in' ? frame : undefined;
  const parts = [
    request?.raw.trimEnd() ?? '(request not in the capture)',
    response?.raw.trimEnd() ?? '(no response yet)',
  ];
  if (call?.updates.length)
    parts.push(
      `Caused ${call.updates.length} Update${call.updates.length === 1 ? '' : 's'}: ${call.updates.map((id) => `#${id}${call.guessed.includes(id) ? '?' : ''}`).join(', ')}${call.latency !== undefined ? `; first after ${Math.round(call.latency)} ms` : ''}`,
    );
  return parts.join('\n\n');
}
