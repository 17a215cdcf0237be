/** The filter bar's tooltip: the filter language of src/core/capture/filter.ts, for people. */
export const FILTER_HELP = [
  'Filter frames (all terms must match; -term negates):',
  '  agent1            text in the raw frame, any case',
  '  "two words"       a phrase',
  '  /READY|WORK/i     a regular expression over the raw frame',
  '  dir:in  dir:out   direction (in = server → client)',
  '  kind:stanza|open  kind: open close stanza text binary ping pong closeframe',
  '  node:User/agent1  Finesse / pubsub node contains',
  '  state:READY       state in the decoded Finesse Update',
  '  event:PUT         event of the Update: POST PUT DELETE',
  '  has:error         malformed, error stanza or apiErrors (also has:update, has:original)',
  '  is:held           also edited injected dropped replayed malformed afterClose ping',
  '  -ping             hide pings, pongs and keepalives',
  'Ctrl+F or / focuses the filter, Esc clears it.',
].join('\n');
