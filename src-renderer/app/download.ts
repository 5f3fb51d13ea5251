// Saving an export the core produced: a download of its content (the desktop app asks where).
export function download(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const MIME = { csv: 'text/csv', json: 'application/json' } as const;
