import { countChanges } from './plan';
import type { Scenario, ScenarioResult } from './scenarios';

function shortName(key: string): string {
  const [type = '', name = ''] = key.split('::');
  return `${type.split(':').pop()} ${name}`;
}

/** One Markdown row per scenario: counts of each kind of change, what is replaced, or why it is refused. */
export function scenarioTable(rows: Array<{ scenario: Scenario; result: ScenarioResult }>): string {
  const lines = [
    '| stack | scenario | created | updated | replaced | deleted | replaced resources, or the refusal |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { scenario, result } of rows) {
    const platform = `${scenario.stack} (${String(scenario.before.config.platform)})`;
    if ('refused' in result) {
      lines.push(`| ${platform} | ${scenario.name} | – | – | – | – | refused: ${result.refused} |`);
      continue;
    }
    if ('failed' in result) {
      lines.push(`| ${platform} | ${scenario.name} | – | – | – | – | AWS refuses: ${result.failed} |`);
      continue;
    }
    const counts = countChanges(result.changes);
    const replaced = result.changes
      .filter((change) => change.change === 'replace')
      .map((c) => shortName(c.key));
    lines.push(
      `| ${platform} | ${scenario.name} | ${counts.create} | ${counts.update} | ${counts.replace} | ${counts.delete} | ${replaced.join(', ') || '–'}${result.refusesViewers ? `; refuses viewers: ${result.refusesViewers}` : ''}${result.lostValidationRecords ? `; deletes validation records: ${result.lostValidationRecords.join(', ')}` : ''} |`,
    );
  }
  return lines.join('\n');
}
