// What a leak scan looks for, and where besides files: every secret a sandbox issued and every
// credential it seeded (ids excluded: they are public by design), and whatever this process
// printed while a test ran (the harness and the core run inside the test process).
export interface SandboxSecrets {
  credentials: unknown;
  issuedSecrets?: () => string[];
  issuedTokens?: () => string[];
}

/** Field names that hold a public identifier, not a secret (Rancher's access key, env zero's key id). */
const PUBLIC_FIELD = /(^id$|Id$|^accessKey$|^name$|^email$)/;

function credentialStrings(value: unknown, field = ''): string[] {
  if (typeof value === 'string') return PUBLIC_FIELD.test(field) || value.length < 8 ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => credentialStrings(v, field));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => credentialStrings(v, k));
  return [];
}

/**
 * The needles for one secret: the whole value, and its tail, which catches a secret written
 * without its well-known prefix. Tails are long enough that no masked form (a few characters)
 * contains them.
 */
export function needleVariants(secret: string): string[] {
  return secret.length >= 32 ? [secret, secret.slice(-24)] : [secret];
}

export function sandboxNeedles(sandbox: SandboxSecrets): string[] {
  const issued = sandbox.issuedSecrets?.() ?? sandbox.issuedTokens?.() ?? [];
  return [...new Set([...issued, ...credentialStrings(sandbox.credentials)].flatMap(needleVariants))];
}

export interface OutputCapture {
  text(): string;
  stop(): void;
}

/** Tees this process's stdout and stderr into memory until stopped. */
export function captureOutput(): OutputCapture {
  const chunks: string[] = [];
  const restore = [process.stdout, process.stderr].map((stream) => {
    // The stream's own write, kept to put back; calls go through it with the stream as `this`.
    const original = Object.getOwnPropertyDescriptor(stream, 'write');
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return write(chunk, ...rest);
    });
    return () => {
      if (original) Object.defineProperty(stream, 'write', original);
      else Reflect.deleteProperty(stream, 'write');
    };
  });
  return {
    text: () => chunks.join(''),
    stop: () => restore.forEach((undo) => undo()),
  };
}

/** The needles (shown as their first 4 characters only) found in a text. */
export function needlesIn(text: string, needles: string[]): string[] {
  return needles.filter((n) => text.includes(n)).map((n) => `${n.slice(0, 4)}…`);
}
