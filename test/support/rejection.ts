// The error a call that must fail failed with (the API's typed error), or a test failure if it did not.
import type { ApiError } from '../../src-preload/api.ts';

export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}
