/**
 * The gadget desktop against a lab server: the profile's Finesse signs the agent in, REST goes
 * through the desktop's forwarder to the lab (TLS verified with the profile's trust: its pinned
 * fingerprint or CA file), notifications come over the product's own client session, and the
 * gadget files come from the workspace folder, so a gadget runs against the lab without being
 * uploaded. Every frame lands in the extension's store; hub deliveries pass the intercept gate.
 */
import type { Services } from '../services';
import { allowedOrigins } from '../proxy/listenerSecurity';
import type { RunningDesktop } from './desktopHandle';
import type { DesktopRequest } from './desktops';
import { findLabProfile, labOrigin, labPassword } from './labProfile';

export async function startLabDesktop(req: DesktopRequest, services: Services): Promise<RunningDesktop> {
  const profile = findLabProfile(req.profile ?? '');
  const password = await labPassword(services.context.secrets, profile);
  // Loaded on first use: the renderer and the forwarder stay out of activation.
  const core = await import('../../core/desktop/labDesktop');
  const lab = await core.startLabDesktop({
    finesse: new URL(labOrigin(profile)),
    xmppUrl: profile.url,
    domain: profile.domain,
    user: profile.user,
    password,
    extension: req.extension,
    serve: req.folder,
    layout: req.layout,
    finesseJs: req.finesseJs,
    ca: profile.caFile,
    fingerprint: profile.fingerprint,
    store: services.store,
    gate: services.interceptGate,
    live: services.live,
    listen: { host: '127.0.0.1', port: req.port ?? 0 },
    allowedOrigins: allowedOrigins(),
  });
  services.log.info(`gadget desktop for ${profile.user}@${profile.domain} at ${lab.url} (lab ${labOrigin(profile)})`);
  return {
    desktop: lab.desktop,
    url: lab.url,
    origin: lab.origin,
    folder: req.folder,
    label: `${profile.user}@${profile.domain} (${labOrigin(profile)})`,
    stop: () => lab.close(),
  };
}
