/**
 * What the views say of a held frame: its name (`b1 #12`, `#12 (editing)`) and the note its row
 * in the frames panel carries beside the HELD badge (why it is held, what waits behind what, the
 * automatic forward's countdown). No vscode import: the webview tests show it in Chromium.
 */
import type { HeldFrame, Interceptor } from '../../core/intercept/interceptor';
import type { HoldNote } from '../../protocol/messages';

/** A held frame as the views name it: `b1 #12`, `#12 (editing)`. */
export function heldName(h: HeldFrame): string {
  const rule = h.reason === 'breakpoint' && h.rule?.id ? `${h.rule.id} ` : '';
  return `${rule}#${h.frame.id}${h.editing ? ' (editing)' : ''}`;
}

/** A held row's note: why it is held and, when the order is kept, what waits behind what. */
export function holdNote(i: Interceptor, frameId: number): HoldNote | undefined {
  const held = i.heldFrame(frameId);
  if (!held) return undefined;
  const parts: string[] = [];
  const titles: string[] = [];
  if (held.editing) {
    parts.push('editing');
    titles.push('Open in an editor: it waits for Send.');
  }
  const waiting = i.waitingBehind(frameId);
  const ahead = i.waitsBehind(frameId);
  if (held.reason === 'breakpoint') {
    const rule = held.rule?.id ?? 'breakpoint';
    parts.push(rule);
    titles.push(`Held by breakpoint ${rule}.`);
    if (held.aside) {
      parts.push('the rest passes');
      titles.push('Later frames flow; forwarded now, it goes out of order (flagged reordered).');
    }
  } else if (held.reason === 'paused') {
    parts.push('paused');
    titles.push('Held while its direction is paused.');
  }
  if (waiting) {
    parts.push(`${waiting} waiting behind`);
    titles.push(`${waiting} later frames of its session and direction wait behind it, in order.`);
  }
  if (ahead && held.reason !== 'paused') {
    parts.push(`waits behind ${heldName(ahead)}`);
    titles.push(`It keeps its place in the order behind #${ahead.frame.id}.`);
  }
  const note: HoldNote = { text: parts.join(' · '), title: titles.join(' ') };
  if (held.deadline !== undefined) note.autoForwardMs = Math.max(0, held.deadline - Date.now());
  return note;
}
