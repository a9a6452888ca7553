import { runAccountCommand, UsageError } from '../admin/account-command.js';

/** `npm run create-admin -- --username NAME [--if-missing]`: adds an admin account. */
runAccountCommand('create-admin', async (accounts, { username, ifMissing }, password) => {
  if (await accounts.exists(username)) {
    if (ifMissing) return `the admin account "${username}" already exists; nothing changed`;
    throw new UsageError(
      `the admin account "${username}" already exists (use change-password to set a new password)`,
    );
  }
  await accounts.create(username, await password());
  return `created the admin account "${username}"`;
});
