// Names come from backends and from people, and may hold characters that hide or reorder text: a
// right-to-left override makes "prod-\u202Etset\u202C" read as "prod-test". Every view shows a name
// in a bidi isolate of its own (<bdi>, or first-strong isolate … pop isolate inside a plain string
// such as a title), so nothing in it can reorder the text around it. Where the user is asked to
// check a name before a step that cannot be undone, such characters are also shown as visible
// escapes ("\u202E") with a warning, since inside the name they still do what they do.

/**
 * Direction controls (embeddings, overrides, isolates, marks), zero-width and other invisible
 * characters (joiners, word joiner, soft hyphen, fillers, BOM, tags) and control characters.
 */
// Marks that combine (U+034F, U+17B4, U+17B5, U+180B–U+180F) stand apart, outside the class.
const HIDDEN =
  // eslint-disable-next-line no-control-regex -- control characters are among what is looked for
  /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}]|\u034F|\u17B4|\u17B5|\u180B|\u180C|\u180D|\u180E|\u180F/gu;

/**
 * A name set apart inside a plain string (a dialog title, a tooltip, a message). Names of Latin
 * letters, digits and punctuation cannot reorder anything, so they are left as they are; any
 * other character (a right-to-left letter, a direction control) puts the name in an isolate.
 */
export function isolate(name: string): string {
  return /[^\u0020-\u024F]/.test(name) ? `\u2068${name}\u2069` : name;
}

/** How a hidden character is written out: \u202E, or \u{E0041} past the basic plane. */
export function escapeOf(char: string): string {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16).toUpperCase()}}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The name with every hidden character written out as its escape, for a plain string. */
export function visibleName(name: string): string {
  return name.replace(HIDDEN, escapeOf);
}

/** The distinct hidden characters of the names, as escapes. */
export function hiddenIn(...names: string[]): string[] {
  return [...new Set(names.flatMap((name) => name.match(HIDDEN) ?? []))].map(escapeOf);
}

/** The name split into plain text and hidden characters (as escapes), for showing them apart. */
export function nameParts(name: string): Array<{ text: string; hidden: boolean }> {
  const parts: Array<{ text: string; hidden: boolean }> = [];
  let at = 0;
  for (const match of name.matchAll(HIDDEN)) {
    if (match.index > at) parts.push({ text: name.slice(at, match.index), hidden: false });
    parts.push({ text: escapeOf(match[0]), hidden: true });
    at = match.index + match[0].length;
  }
  if (at < name.length) parts.push({ text: name.slice(at), hidden: false });
  return parts;
}
