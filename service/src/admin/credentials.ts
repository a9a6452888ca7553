/** admin_accounts.username is varchar(150): a longer name cannot be an account. */
export const maxUsernameLength = 150;
/** Far above any real password, and bounds what one login makes scrypt read. */
export const maxPasswordLength = 1024;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Why a username can be no account's, or undefined when it can be. */
export function usernameProblem(username: string): string | undefined {
  if (username === '') return 'Enter your username.';
  if (username.length > maxUsernameLength) return `A username has at most ${maxUsernameLength} characters.`;
  if (/\p{Cc}/u.test(username)) return 'A username has no control characters.';
  return undefined;
}

/**
 * The login form's fields, checked before anything is looked up or hashed: input no account can have is
 * refused at once, without costing a hash or a throttle row.
 */
export function readCredentials(
  body: Record<string, unknown>,
): { readonly credentials: Credentials } | { readonly problem: string } {
  const username = typeof body.username === 'string' ? body.username.trim() : '';
  const password = typeof body.password === 'string' ? body.password : '';
  const problem =
    usernameProblem(username) ??
    (password === '' ? 'Enter your password.' : undefined) ??
    (password.length > maxPasswordLength
      ? `A password has at most ${maxPasswordLength} characters.`
      : undefined);
  return problem ? { problem } : { credentials: { username, password } };
}
