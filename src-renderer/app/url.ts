// What a person types as a server address, made into one Keyfleet can use, openly: an address
// without a scheme gets https:// (the field then shows it), never a refusal.

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function withScheme(value: string): { url: string; added: boolean } {
  const trimmed = value.trim();
  if (trimmed === '' || SCHEME.test(trimmed)) return { url: trimmed, added: false };
  return { url: `https://${trimmed.replace(/^\/+/, '')}`, added: true };
}
