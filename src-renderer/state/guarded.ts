// Running a call whose failure becomes a banner instead of an exception.
import { asCallError } from '../app/bridge.ts';
import type { GetState } from './types.ts';

export async function guarded(get: GetState, title: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    get().notify('error', title, asCallError(error).message);
  }
}
