// Times on the command line: an ISO 8601 date or time, or a duration counted from now (back for
// --since, ahead for --retire at).
import { usageError } from './exit.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DURATION = /^(\d{1,6})([mhdw])$/;
// A date, optionally with a time, optionally with a zone (no zone: the machine's local time).
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export const TIME_HELP = 'an ISO 8601 date or time (2026-06-01, 2026-06-01T09:30Z) or a duration (30m, 12h, 7d, 2w)';

/** `direction`: whether a duration counts back from now ('past') or ahead ('future'). */
export function parseWhen(text: string, now: number, direction: 'past' | 'future', option: string): number {
  const value = text.trim();
  const duration = DURATION.exec(value);
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2]!]!;
    return direction === 'past' ? now - ms : now + ms;
  }
  if (ISO.test(value)) {
    const at = Date.parse(value.replace(' ', 'T'));
    if (Number.isFinite(at)) return at;
  }
  throw usageError(`${option} takes ${TIME_HELP}; “${value.slice(0, 40)}” is neither.`);
}
