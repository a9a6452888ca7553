/**
 * The attackers of login-flood.test.ts, as a process of their own, as attackers are: their work must not
 * stall the test's own event loop, which times the votes. Usage: URL CLIENTS MILLISECONDS. Each client, at
 * its own address, fetches the login form, then (after one line `flooding`) posts logins as fast as it is
 * answered until the time is up; the process ends with a line of JSON: how many answers of each status.
 */
import { loginForm } from '../support/login-form.js';

const [url = '', clients = '8', milliseconds = '7000'] = process.argv.slice(2);
const answers: Record<string, number> = {};

const forms = await Promise.all(
  Array.from({ length: Number(clients) }, (_, client) => loginForm(url, `203.0.113.${client + 1}`)),
);
// The test starts timing votes when it reads this line.
console.log('flooding');
const ends = Date.now() + Number(milliseconds);
await Promise.all(
  forms.map(async (post, client) => {
    for (let attempt = 0; Date.now() < ends; attempt++) {
      // Half too long to be any account's, half unknown: both used to cost a hash each.
      const username = attempt % 2 === 0 ? `${'long'.repeat(60)}-${attempt}` : `nobody-${client}-${attempt}`;
      // A request left waiting for its turn at a password check is counted, never a reason to stop.
      const status = await post(username, 'not-the-password-at-all').then(
        async (response) => (await response.arrayBuffer(), String(response.status)),
        () => 'no answer',
      );
      answers[status] = (answers[status] ?? 0) + 1;
    }
  }),
);
console.log(JSON.stringify(answers));
