// A promise expected to fail: its error, checked to be the kind the caller names (the core's
// AppError by default; ApiError for calls through the api).
import { expect } from 'vitest';
import { AppError } from '../../src-main/errors.ts';

export async function failure<E extends Error = AppError>(promise: Promise<unknown>, kind: abstract new (...args: never[]) => E = AppError as never): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return error as E;
  }
  throw new Error('expected a failure');
}
