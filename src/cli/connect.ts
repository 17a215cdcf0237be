// Placeholder until the issue that owns `finesse-frames connect` lands; it says so instead of pretending.
import { FailureError } from './io';

export async function run(_args: string[]): Promise<number> {
  throw new FailureError('connect is not built yet');
}
