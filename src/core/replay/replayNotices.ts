/**
 * What a replay did differently from the recording for one client, as data: the CLI prints each
 * notice's line, VS Code logs them and sums a connection's notices up in one notification.
 */

export type ReplayNotice =
  /** A request the recording has no answer for was answered as a server without the feature. */
  | { kind: 'answered'; request: string }
  /** Recorded answers never sent because this client did not make their requests. */
  | { kind: 'skipped'; requests: string[] }
  /** The script stopped waiting for a recorded request this client did not send. */
  | { kind: 'playedOn'; request: string }
  /** A recorded challenge-response login answered to this client's PLAIN login. */
  | { kind: 'login'; mechanism: string };

/** The recorded answer a skipped request stands for, in words a user knows. */
function skippedAnswer(request: string): string {
  if (request === 'presence type=unavailable') return 'logout echo';
  if (request === 'presence') return 'presence echo';
  return `answer to ${request}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One line for a connection's notices, e.g. "answered 3 requests the recording lacks, skipped
 * the recorded logout echo"; empty when there were none.
 */
export function summarizeNotices(notices: readonly ReplayNotice[]): string {
  const parts: string[] = [];
  const login = notices.find((n) => n.kind === 'login');
  if (login) parts.push(`answered the PLAIN login with the outcome of the recorded ${login.mechanism} login`);
  const answered = notices.filter((n) => n.kind === 'answered').length;
  if (answered) parts.push(`answered ${plural(answered, 'request')} the recording lacks`);
  const playedOn = notices.flatMap((n) => (n.kind === 'playedOn' ? [n.request] : []));
  if (playedOn.length === 1) parts.push(`played on without the recorded ${playedOn[0]}`);
  else if (playedOn.length) parts.push(`played on without ${plural(playedOn.length, 'recorded request')}`);
  const skipped = notices.flatMap((n) => (n.kind === 'skipped' ? n.requests : []));
  if (skipped.length === 1 || skipped.length === 2)
    parts.push(`skipped the recorded ${skipped.map(skippedAnswer).join(' and the ')}`);
  else if (skipped.length)
    parts.push(`skipped ${plural(skipped.length, 'recorded answer')} to requests the client did not make`);
  return parts.join(', ');
}
