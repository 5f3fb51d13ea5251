// How much Keyfleet reads from a backend, and how much backend text it keeps. A backend is not
// trusted with its sizes: past these limits an answer is refused as a bad response that names the
// limit (nothing is half-read into the cache), and text is cut. Each limit is far above what a
// real organization needs; the README ("Security and reliability") lists them.
export const LIMITS = {
  /** Bytes of one answer (the HTTP module's default; a caller may lower it). */
  answerBytes: 64 * 1024 * 1024,
  /** Items in one list of one answer: a page, or a backend's whole unpaged list. */
  itemsPerAnswer: 100_000,
  /** Keys (and items of any one paged listing) read from one connection in one sync. */
  keysPerConnection: 250_000,
  /** Levels of nesting in one answer; real answers nest fewer than ten. */
  depth: 64,
  /** Characters in one text field of an answer. */
  textChars: 256 * 1024,
  /** Characters of one text of an error answer, as its adapter gets to read it. */
  errorTextChars: 16 * 1024,
  /** Characters of a message built from backend text (errors, sync results, the journal). */
  messageChars: 1_000,
  /** Characters of a field message or a choice's label. */
  fieldChars: 300,
  /** Field messages and choices kept from one error. */
  fieldCount: 32,
  /** Characters of a key's name, type, role and the like as cached. */
  nameChars: 512,
  /** Characters of a key's description as cached. */
  descriptionChars: 4_096,
} as const;

/** "250,000": limits as a person reads them in a message. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
