// A form's call to the core: busy while it runs, and the core's refusal (with its field messages)
// kept for the form to show; the work itself says what happens on success.
import { useCallback, useState } from 'react';
import { asCallError, type CallError } from './bridge.ts';

export function useCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(asCallError(failure));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
