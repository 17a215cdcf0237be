/**
 * `finesse-frames simulate --finesse URL --user ID --serve DIR`: the gadget desktop against a
 * real Finesse instead of the local one (core/desktop/labDesktop.ts). The password comes only
 * from FINESSE_PASSWORD, as for `connect`; TLS is verified (--ca FILE, --fingerprint FP).
 * stdout: first `{"desktop":"http://127.0.0.1:PORT/desktop/","finesse":ORIGIN,"domain":D}`, then
 * every frame the desktop captures as a JSON line (its XMPP session, each REST exchange as two
 * `http` frames, each hub publish as a `hub` frame), until SIGINT/SIGTERM.
 */
import { FrameStore } from '../core/capture/frameStore';
import { Correlator } from '../core/finesse/correlation';
import { startLabDesktop } from '../core/desktop/labDesktop';
import { LayoutError } from '../core/desktop/layout';
import { AuthError } from '../core/session/finesseSession';
import { UntrustedCertificateError } from '../core/session/tls';
import { PASSWORD_ENV } from './connect';
import { EXIT_OK, FailureError, parseListen, parseTrust, printError, printJson, untilSignal, UsageError } from './io';
import { FrameLines } from './output';
import { finesseJsHint } from './simulateDesktop';

export interface LabArgs {
  finesse: string;
  user?: string;
  serve?: string;
  layout?: string;
  finesseJs?: string;
  ca?: string;
  fingerprint?: string;
  xmppUrl?: string;
  domain?: string;
  extension?: string;
  listen?: string;
  quiet?: boolean;
  allowedOrigins: string[];
}

export async function runLab(args: LabArgs, env: NodeJS.ProcessEnv): Promise<number> {
  let finesse: URL;
  try {
    finesse = new URL(args.finesse);
  } catch {
    throw new UsageError(`--finesse "${args.finesse}" is not a URL (e.g. https://finesse1:8445)`);
  }
  if (finesse.protocol !== 'https:' && finesse.protocol !== 'http:')
    throw new UsageError(`--finesse must be https:// (or http://), got "${args.finesse}"`);
  if (!args.user) throw new UsageError('--finesse needs --user ID (the agent to sign in)');
  if (args.user.includes(':'))
    throw new UsageError(`--user with --finesse is the agent's id; the password comes from ${PASSWORD_ENV}`);
  if (!args.serve) throw new UsageError('--finesse needs --serve DIR (the gadgets to run)');
  const password = env[PASSWORD_ENV];
  if (!password)
    throw new UsageError(`set the password in the environment variable ${PASSWORD_ENV} (there is no password flag)`);
  const trust = parseTrust(args.ca, args.fingerprint);
  if (trust && finesse.protocol !== 'https:')
    throw new UsageError('--ca and --fingerprint need an https:// --finesse URL');
  const listen = parseListen(args.listen);

  const store = new FrameStore();
  const correlation = new Correlator();
  store.on('append', (frames) => correlation.observe(frames));
  const lines = args.quiet ? undefined : new FrameLines(store, process.stdout, { correlation });
  let lab;
  try {
    lab = await startLabDesktop({
      finesse,
      user: args.user,
      password,
      serve: args.serve,
      layout: args.layout,
      finesseJs: args.finesseJs,
      ca: trust?.caFile,
      fingerprint: trust?.fingerprint,
      store,
      xmppUrl: args.xmppUrl,
      domain: args.domain,
      extension: args.extension,
      listen,
      allowedOrigins: args.allowedOrigins,
    });
  } catch (e) {
    await lines?.close();
    if (e instanceof LayoutError) throw new UsageError(e.message);
    if (e instanceof UntrustedCertificateError && e.fingerprint)
      throw new FailureError(
        `cannot reach ${finesse.origin}: ${e.message} (--fingerprint ${e.fingerprint} or --ca FILE)`,
      );
    throw new FailureError(`cannot start the desktop for ${finesse.origin}: ${(e as Error).message}`);
  }
  const signalled = untilSignal();
  printJson({ desktop: lab.url, finesse: finesse.origin, domain: lab.desktop.domain });
  const hint = finesseJsHint(lab.desktop);
  if (hint) printError(hint);
  lab.desktop.on('error', (e) => printError(`gadget ${e.mid} ${e.title}: ${e.message}`));
  lab.desktop.on('log', (l) => {
    if (!l.mid && l.level === 'warn') printError(`desktop: ${l.text}`);
  });
  lab.desktop.on('signin', (s) => {
    if (s.error)
      printError(
        s.error instanceof AuthError ? `sign-in refused: ${s.error.message}` : `sign-in failed: ${s.error.message}`,
      );
  });
  await signalled;
  await lab.close();
  await new Promise((resolve) => setImmediate(resolve));
  await lines?.close();
  return EXIT_OK;
}
