// The smoke check after a deploy: the site's public address (the CDN's, when the stack has one) answers the JSON
// API, which is never cached, so the answer comes from the service and its database; and the answer names the
// commit just deployed, so an old replica or a stale edge cannot pass for the new release.
import { revisionHeader } from '../src/service-contract';

export interface SmokeTools {
  fetch(url: string, init: { signal: AbortSignal }): Promise<{ status: number; headers: Headers }>;
  sleep(seconds: number): Promise<void>;
  log(line: string): void;
}

export interface SmokeSchedule {
  tries: number;
  pauseSeconds: number;
  timeoutSeconds: number;
}

/** Instances and pods take a few minutes to pass their health checks after an update. */
export const smokeSchedule: SmokeSchedule = { tries: 20, pauseSeconds: 15, timeoutSeconds: 10 };

async function answer(url: string, tools: SmokeTools, timeoutSeconds: number): Promise<string> {
  try {
    const response = await tools.fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    const served = response.headers.get(revisionHeader);
    return `${response.status} with ${revisionHeader} ${served === null ? 'missing' : JSON.stringify(served)}`;
  } catch (error) {
    return `no answer (${(error as Error).message})`;
  }
}

/** Resolves once `<siteUrl>/api/questions` answers 200 naming `revision`; throws with the last answer if never. */
export async function smokeCheck(
  siteUrl: string,
  revision: string,
  tools: SmokeTools,
  schedule: SmokeSchedule = smokeSchedule,
): Promise<void> {
  const url = `${siteUrl.replace(/\/+$/, '')}/api/questions`;
  const expected = `200 with ${revisionHeader} ${JSON.stringify(revision)}`;
  let last = '';
  for (let attempt = 1; attempt <= schedule.tries; attempt += 1) {
    last = await answer(url, tools, schedule.timeoutSeconds);
    if (last === expected) return;
    tools.log(`${url}: ${last}, waiting for ${expected} (${attempt}/${schedule.tries})`);
    if (attempt < schedule.tries) await tools.sleep(schedule.pauseSeconds);
  }
  throw new Error(`${url} never answered ${expected} in ${schedule.tries} tries; last: ${last}`);
}
