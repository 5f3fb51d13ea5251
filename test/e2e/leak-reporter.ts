// Sums every E2E test's leak scan (see fixtures.ts) into the "secrets at rest" figures, prints
// them, records them for the security table, and fails the run on any hit.
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { recordFigures } from '../security/figures.ts';
import type { LeakScan } from './fixtures.ts';

export default class LeakReporter implements Reporter {
  private tests = 0;
  private needles = 0;
  private files = 0;
  private bytes = 0;
  private readonly hits: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    const attachment = result.attachments.find((a) => a.name === 'leak-scan' && a.body);
    if (!attachment?.body) return;
    const scan = JSON.parse(attachment.body.toString('utf8')) as LeakScan;
    this.tests++;
    this.needles += scan.needles;
    this.files += scan.files;
    this.bytes += scan.bytes;
    for (const hit of scan.hits) this.hits.push(`${test.titlePath().filter(Boolean).join(' › ')}: ${hit.needle} in ${hit.where}`);
  }

  onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    if (this.tests === 0) return Promise.resolve(undefined);
    const summary = `${this.tests} flows, ${this.needles} secret needles, ${this.files} files (${Math.round(this.bytes / 1024)} KiB) + browser storage + harness output`;
    console.log(`\nSecrets at rest: ${this.hits.length} hits — ${summary}`);
    for (const hit of this.hits) console.log(`  LEAK ${hit}`);
    recordFigures('secrets-at-rest', [
      { figure: 'flows scanned', value: this.tests, target: 'every E2E flow', ok: result.status !== 'interrupted' },
      { figure: 'secret needles', value: this.needles, target: '> 0', ok: this.needles > 0 },
      { figure: 'hits', value: this.hits.length, target: '0', ok: this.hits.length === 0, detail: summary },
    ]);
    return Promise.resolve(this.hits.length > 0 ? { status: 'failed' } : undefined);
  }
}
