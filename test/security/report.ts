// Prints the security and reliability figures every part of the suite recorded (see figures.ts)
// as one table; exits 1 if any figure missed its target.
import { rmSync } from 'node:fs';
import { FIGURES_DIR, formatTable, readSections } from './figures.ts';

// `--clear`: forget earlier runs' figures (the start of `npm test`).
if (process.argv.includes('--clear')) {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  process.exit(0);
}

const sections = readSections();
if (sections.length === 0) {
  console.log('No security figures recorded yet (run `npm test` or `npm run test:stress`).');
  process.exit(1);
}
const mode = sections.every((s) => s.stress) ? 'full (test:stress)' : sections.some((s) => s.stress) ? 'mixed' : 'fast (npm test)';
console.log(`\nSecurity and reliability figures — ${mode} settings\n`);
console.log(formatTable(sections));
const missed = sections.flatMap((s) => s.figures.filter((f) => !f.ok).map((f) => `${s.section}: ${f.figure} = ${f.value} (target ${f.target})${f.detail ? ` — ${f.detail}` : ''}`));
if (missed.length > 0) {
  console.log(`\n${missed.length} figure(s) missed their target:\n${missed.map((m) => `  ${m}`).join('\n')}`);
  process.exit(1);
}
