// Placeholder until the issue that owns `finesse-frames proxy` lands; it says so instead of pretending.
import { FailureError } from './io';

export async function run(_args: string[]): Promise<number> {
  throw new FailureError('proxy is not built yet');
}
