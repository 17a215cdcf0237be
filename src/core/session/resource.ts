/**
 * Which XMPP resource our client binds. Finesse reserves `desktop` for the agent's Finesse
 * desktop: a second connection binding it makes the server end the desktop's stream with
 * <conflict/>, signing the desktop out of notifications. So our default is our own name, and
 * `desktop` is bound only when the user chooses it, with a warning saying what it does.
 */

/** The resource our client binds unless told otherwise: never the desktop's. */
export const DEFAULT_RESOURCE = 'finesse-frames';

/** The resource the Finesse desktop binds. */
export const DESKTOP_RESOURCE = 'desktop';

/** What binding `desktop` does, for the user who chose it. */
export function desktopWarning(user: string, domain: string): string {
  return `binding the resource "desktop" signs the Finesse desktop of ${user}@${domain} out of notifications (Finesse reserves that resource for the desktop); use another resource to connect beside it`;
}
