// pino's numeric levels.
const levelNames: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };
const keptMessages = 5;

/**
 * What a replica wrote (LOG_LEVEL=warn: warnings and errors only), counted by level, with the first few
 * distinct messages of errors and of lines that are not pino JSON (nothing should write those) kept for the
 * report.
 */
export class ServiceLog {
  readonly counts = new Map<string, number>();
  readonly notable: string[] = [];

  add(line: string): void {
    if (/^\s/.test(line)) return; // a stack frame under the line before
    let level = 'other';
    let message = line;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = levelNames[entry.level ?? 0] ?? `level ${entry.level}`;
      message = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
    } catch {
      // not JSON: keep the raw line
    }
    this.counts.set(level, (this.counts.get(level) ?? 0) + 1);
    const entry = `${level}: ${message}`;
    if (level !== 'warn' && this.notable.length < keptMessages && !this.notable.includes(entry)) {
      this.notable.push(entry);
    }
  }
}
