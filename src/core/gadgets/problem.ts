/**
 * Something that stops or degrades a gadget, reported by /gadgets/ifr and /gadgets/makeRequest
 * through `GadgetServerOptions.onProblem` so the host can capture and show it (the frame shows
 * it too). Text only: it reaches views as text, never as HTML.
 */
export interface GadgetProblem {
  severity: 'error' | 'warning';
  /**
   * spec: the spec cannot be read or found; feature: a required feature the container lacks;
   * content: no renderable Content for the view; substitution: a hangman variable left as
   * written; finesse-js: the gadget loads finesse.js and no copy is available; request: a
   * makeRequest refused or failed.
   */
  kind: 'spec' | 'feature' | 'content' | 'substitution' | 'finesse-js' | 'request';
  message: string;
  /** The spec URL as the gadget frame was asked for it (`url=`). */
  spec?: string;
  /** The line in the spec the problem is about. */
  line?: number;
  /** The gadget's module id (`mid=`). */
  mid?: string;
  /** For a request: the URL the gadget asked for. */
  url?: string;
}
