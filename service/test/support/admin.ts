import type { Knex } from 'knex';
import type Koa from 'koa';
import type supertest from 'supertest';
import { hashPassword } from '../../src/admin/passwords.js';
import { browser, formToken, testPasswordCost } from './app.js';

export const adminUsername = 'editor';
// Built at run time so no literal password sits in the repository.
export const adminPassword = `pw-${'x'.repeat(8)}-${process.pid}`;

let adminHash: Promise<string> | undefined;

/** The test admin account, hashed at `testPasswordCost`; the hash is computed once per run. */
export async function createAdmin(db: Knex): Promise<void> {
  adminHash ??= hashPassword(adminPassword, testPasswordCost);
  await db('admin_accounts').insert({ username: adminUsername, password_hash: await adminHash });
}

/** Posts the login form as a browser would: fetch the page for its CSRF token, then submit. */
export async function submitLogin(
  agent: supertest.Agent,
  fields: { username?: string; password?: string; next?: string },
): Promise<supertest.Response> {
  const page = await agent.get('/admin/login');
  return agent
    .post('/admin/login')
    .type('form')
    .send({
      csrf_token: formToken(page.text),
      username: fields.username ?? adminUsername,
      password: fields.password ?? adminPassword,
      ...(fields.next === undefined ? {} : { next: fields.next }),
    });
}

/** A browser already signed in as the test admin. */
export async function signedIn(app: Koa): Promise<supertest.Agent> {
  const agent = browser(app);
  const response = await submitLogin(agent, {});
  if (response.status !== 303) throw new Error(`login failed with ${response.status}`);
  return agent;
}
