import { runAccountCommand, UsageError } from '../admin/account-command.js';

/** `npm run change-password -- --username NAME`: sets a new password and ends the account's sessions. */
runAccountCommand('change-password', async (accounts, { username }, password) => {
  if (!(await accounts.exists(username))) throw new UsageError(`there is no admin account "${username}"`);
  await accounts.changePassword(username, await password());
  return `changed the password of "${username}" and ended its sessions`;
});
