// A strength hint for a new passphrase, as it is typed: a rough estimate of how many guesses it
// would take, never a promise. Words count as words (a dictionary attack guesses words, not
// letters), repeats and runs count for little, and the advice says what would make it stronger.

export interface Strength {
  /** 0 weak … 3 strong */
  score: 0 | 1 | 2 | 3;
  label: 'Weak' | 'Fair' | 'Good' | 'Strong';
  /** Rough bits of guessing work. */
  bits: number;
  advice: string | null;
}

const COMMON = ['password', 'passwort', 'letmein', 'qwerty', 'azerty', 'admin', 'welcome', 'keyfleet', 'secret', 'iloveyou', '123456', 'abc123'];

function charBits(text: string): number {
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(text)) pool += 33;
  const perChar = Math.log2(Math.max(pool, 2));
  let bits = 0;
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const prev = text.charCodeAt(i - 1);
    const run = i > 0 && Math.abs(text.charCodeAt(i) - prev) <= 1;
    // A repeat or a run (aaa, abc, 123) is barely a guess more.
    bits += seen.has(c) && run ? 0.5 : seen.has(c) || run ? 1.5 : perChar;
    seen.add(c);
  }
  return bits;
}

export function passphraseStrength(passphrase: string): Strength {
  const lower = passphrase.toLowerCase();
  const words = passphrase.trim().split(/[\s\-_.,]+/).filter((w) => w.length >= 3);
  // Several words: about 11 bits a word from a large word list, plus a little for what joins them.
  const wordBits = words.length >= 3 ? words.length * 11 + Math.min(charBits(passphrase.replace(/[a-z]/g, '')), 10) : 0;
  let bits = Math.max(charBits(passphrase), wordBits);
  if (COMMON.some((w) => lower.includes(w))) bits = Math.min(bits, 20);
  bits = Math.round(bits);
  const score = bits < 40 ? 0 : bits < 60 ? 1 : bits < 80 ? 2 : 3;
  const label = (['Weak', 'Fair', 'Good', 'Strong'] as const)[score];
  const advice =
    score >= 2 ? null : COMMON.some((w) => lower.includes(w)) ? 'It contains a very common word: choose something else.' : 'Longer is stronger: four or more random words, or 14+ mixed characters.';
  return { score, label, bits, advice };
}
