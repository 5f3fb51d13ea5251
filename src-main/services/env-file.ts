// .env files in and out. Values are read by the `dotenv` package's own parser, so a file means here
// what it means to the programs that load it: quoted values spanning lines (a PEM key), `export `
// prefixes, comments, `\n` escapes in double quotes. dotenv skips what it cannot read without a
// word; Keyfleet refuses such a file instead and names the line. To know which lines each variable
// spans, the file is cut into statements (a quoted value runs to the closing quote dotenv would
// choose); each statement is read by dotenv, and the whole file read by dotenv must give exactly
// the same variables, or the file is refused: what Keyfleet imports is always what dotenv reads.
import { parse } from 'dotenv';

export interface EnvVariable {
  name: string;
  value: string;
  /** 1-based line where the statement starts. */
  line: number;
}

export class EnvSyntaxError extends Error {
  readonly line: number;
  readonly reason: string;

  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'EnvSyntaxError';
    this.line = line;
    this.reason = reason;
  }
}

const BLANK_OR_COMMENT = /^\s*(?:#.*)?$/;
/** The start of a statement as dotenv accepts it: optional `export`, a name, then `=` or `: `. */
const STATEMENT = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:\s)/;
const QUOTES = new Set(["'", '"', '`']);

/**
 * Where the quoted value opening at `open` ends, as dotenv's pattern decides: at the first quote
 * not preceded by a backslash, or, backing off, at an escaped one — whichever is the farthest
 * that only whitespace or a comment follows on its line. -1 when none qualifies.
 */
function closingQuote(text: string, open: number): number {
  const quote = text[open]!;
  const candidates: number[] = [];
  for (let at = text.indexOf(quote, open + 1); at !== -1; at = text.indexOf(quote, at + 1)) {
    candidates.push(at);
    if (text[at - 1] !== '\\') break;
  }
  for (const at of candidates.reverse()) {
    const lineEnd = text.indexOf('\n', at);
    if (BLANK_OR_COMMENT.test(text.slice(at + 1, lineEnd === -1 ? undefined : lineEnd))) return at;
  }
  return -1;
}

/** The variables of a .env file, in order, the last of a repeated name winning (as in dotenv). */
export function readEnv(source: string): EnvVariable[] {
  const text = source.replace(/\r\n?/g, '\n');
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const found = new Map<string, EnvVariable>();
  for (let index = 0; index < starts.length; ) {
    const begin = starts[index]!;
    const end = index + 1 < starts.length ? starts[index + 1]! - 1 : text.length;
    const line = text.slice(begin, end);
    if (BLANK_OR_COMMENT.test(line)) {
      index++;
      continue;
    }
    const statement = STATEMENT.exec(line);
    if (!statement) throw new EnvSyntaxError(index + 1, 'not a NAME=value line');
    const name = statement[1]!;
    const valueStart = begin + statement[0].length + (line.slice(statement[0].length).length - line.slice(statement[0].length).trimStart().length);
    let last = index;
    if (QUOTES.has(text[valueStart] ?? '')) {
      const close = closingQuote(text, valueStart);
      if (close === -1) throw new EnvSyntaxError(index + 1, `the quoted value of ${name} is never closed, or has more text after its closing quote`);
      last = lineAt(close);
    }
    const chunkEnd = last + 1 < starts.length ? starts[last + 1]! - 1 : text.length;
    const parsed = parse(text.slice(begin, chunkEnd));
    const names = Object.keys(parsed);
    if (names.length !== 1 || names[0] !== name) throw new EnvSyntaxError(index + 1, 'cannot be read as NAME=value');
    found.delete(name);
    found.set(name, { name, value: parsed[name]!, line: index + 1 });
    index = last + 1;
  }

  // What dotenv reads from the whole file must be what was read statement by statement.
  const whole = parse(text);
  const read = [...found.values()];
  if (Object.keys(whole).length !== read.length) throw new EnvSyntaxError(1, 'is read differently as a whole than line by line');
  for (const variable of read) {
    if (whole[variable.name] !== variable.value) throw new EnvSyntaxError(variable.line, `the value of ${variable.name} is read differently as a whole than line by line`);
  }
  return read.sort((a, b) => a.line - b.line);
}

/** A name a shell and dotenv both accept, made from an entry's name (and a field's label). */
export function envName(...parts: string[]): string {
  const joined = parts.join('_');
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(joined)) return joined;
  const name = joined
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[0-9]/.test(name) || name === '' ? `_${name}` : name;
}

/**
 * A value quoted so that dotenv reads back exactly it: single quotes (no escapes), else double
 * quotes when it has no `"` and no backslash escape dotenv would expand, else backticks. null when
 * a value holds all three quote characters in ways no quoting survives.
 */
export function quoteEnvValue(value: string): string | null {
  const candidates = [`'${value}'`, /["]|\\[nr]/.test(value) ? null : `"${value}"`, `\`${value}\``];
  for (const quoted of candidates) {
    if (quoted === null) continue;
    try {
      const back = readEnv(`X=${quoted}\n`);
      if (back.length === 1 && back[0]!.value === value) return quoted;
    } catch {
      // this quoting does not survive; try the next
    }
  }
  return null;
}

/** A .env file of the given variables; throws if a value cannot be written so dotenv reads it back. */
export function writeEnv(variables: ReadonlyArray<{ name: string; value: string }>, header: string[]): string {
  const lines = header.map((h) => `# ${h}`);
  for (const { name, value } of variables) {
    const quoted = quoteEnvValue(value);
    if (quoted === null) throw new EnvSyntaxError(0, `the value of ${name} holds ', " and \` in a way a .env file cannot keep exactly`);
    lines.push(`${name}=${quoted}`);
  }
  const text = `${lines.join('\n')}\n`;
  const back = readEnv(text);
  if (back.length !== variables.length || back.some((v, i) => v.name !== variables[i]!.name || v.value !== variables[i]!.value)) {
    throw new EnvSyntaxError(0, 'the file would not read back as written');
  }
  return text;
}
