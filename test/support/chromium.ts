/**
 * The Chromium every browser test drives through playwright-core: Debian's package (or
 * CHROMIUM_PATH), headless, with nothing running beside the page (no sandbox in a container,
 * no GPU, no background fetches, updates or sync).
 */
import { chromium, Browser } from 'playwright-core';
import { CHROMIUM } from '../../tools/workbench';

export { CHROMIUM };

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** A headless Chromium with CHROMIUM_ARGS and any `extra` switches (e.g. a certificate to trust). */
export function launchChromium(extra: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extra] });
}
