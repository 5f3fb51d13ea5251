// What an OS notification shows. Linux notification servers that announce "body-markup" read the
// body as a small subset of HTML (<b>, <i>, <u>, <a href>, <img src>), and Electron hands the body
// to libnotify as it is: a key name carrying markup would show as a link or load an image. So on
// Linux the body is escaped; the title (the summary) is never markup anywhere, and macOS and
// Windows show text as text, so escaping there would show the entities themselves.
export interface NotificationText {
  title: string;
  body: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export function osNotificationText(note: NotificationText, platform: NodeJS.Platform = process.platform): NotificationText {
  return { title: note.title, body: platform === 'linux' ? escapeMarkup(note.body) : note.body };
}
