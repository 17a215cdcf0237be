/**
 * Cisco's Learning Sample Gadget (with its finesse-10.5.1.js), which the tests run unmodified.
 * Its licence keeps finesse.js out of the repository, so it is read from beside it:
 * `FINESSE_SAMPLES` (a folder holding LearningSampleGadget-10.5.1/) when set, else the
 * `shared/finesse-samples/` folder next to the repository. Undefined when neither has it: the
 * suites that need it then say so and skip, instead of failing where the sample cannot be had.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NAME = 'LearningSampleGadget-10.5.1';

export function learningSampleDir(): string | undefined {
  const root = process.env.FINESSE_SAMPLES || resolve(__dirname, '..', '..', '..', 'shared', 'finesse-samples');
  const dir = join(root, NAME);
  return existsSync(join(dir, 'finesse-10.5.1.js')) ? dir : undefined;
}

/** Why a suite that needs the sample skipped. */
export const NO_SAMPLE = `${NAME} not found (set FINESSE_SAMPLES to the folder that holds it)`;
