/**
 * The load test's frames: Finesse-sized stanzas (100 B – 1.5 KB, some non-ASCII) that carry
 * their sequence number and a hash of their body, so a receiver can tell a lost, reordered or
 * altered frame without trusting anything else. Deterministic: frame(n) is always the same text.
 */
import { createHash } from 'node:crypto';

const WORDS = [
  'READY',
  'NOT_READY',
  'TALKING',
  'agent',
  'Dialog',
  'queue',
  'état',
  '✓',
  'Übergabe',
  '通話',
  'wrap-up',
  'reason',
];

function body(seq: number): string {
  let x = (seq * 2654435761) >>> 0;
  const size = 100 + (x % 1400);
  let text = '';
  while (Buffer.byteLength(text) < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    text += WORDS[x % WORDS.length] + ' ';
  }
  return text;
}

const hash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 16);

export function frame(seq: number): string {
  const b = body(seq);
  return `<message id="load-${seq}" h="${hash(b)}" to="agent1@finesse.test/desktop" xmlns="jabber:client"><body>${b}</body></message>`;
}

export interface Verdict {
  received: number;
  lost: number;
  reordered: number;
  altered: number;
  /** Next sequence number expected. */
  next: number;
}

/** Checks frames in arrival order: sequence continuity, hash of the body, exact text. */
export class Verifier implements Verdict {
  received = 0;
  lost = 0;
  reordered = 0;
  altered = 0;
  next = 0;

  check(text: string): void {
    this.received++;
    const m = /^<message id="load-(\d+)" h="([0-9a-f]{16})"[^>]*><body>([\s\S]*)<\/body><\/message>$/.exec(text);
    if (!m) {
      this.altered++;
      return;
    }
    const seq = Number(m[1]);
    if (hash(m[3]) !== m[2] || text !== frame(seq)) this.altered++;
    if (seq > this.next) this.lost += seq - this.next;
    if (seq < this.next) this.reordered++;
    else this.next = seq + 1;
  }

  verdict(): Verdict {
    return {
      received: this.received,
      lost: this.lost,
      reordered: this.reordered,
      altered: this.altered,
      next: this.next,
    };
  }
}
