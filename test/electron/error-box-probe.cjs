// Loaded with `-r` before Keyfleet's main script by test/electron/app.spec.ts: a native error
// dialog is modal and nobody can click it under Xvfb, so its title and text go to stdout instead,
// and Keyfleet goes on to exit as it does once the user closes the dialog.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload module, as -r needs
const { dialog } = require('electron');

dialog.showErrorBox = (title, content) => {
  process.stdout.write(`KEYFLEET-ERROR-BOX ${JSON.stringify({ title, content })}\n`);
};
