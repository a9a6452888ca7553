// `npm run plan:scenarios -w stacks`: the day-2 scenarios as a Markdown table (docs/deploying.md quotes it).
import { runScenario, scenarios } from './scenarios';
import { scenarioTable } from './table';

async function main(): Promise<void> {
  const rows = [];
  for (const scenario of scenarios) rows.push({ scenario, result: await runScenario(scenario) });
  console.log(scenarioTable(rows));
}

main().catch((error: unknown) => {
  console.error(`plan:scenarios: ${(error as Error).message}`);
  process.exitCode = 1;
});
