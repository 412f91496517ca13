/**
 * How the user started us, so printed next steps can be pasted as they are: `npx kubently` when
 * npm ran the bin (in a checkout the bin is not on PATH), else `kubently`.
 */
export function selfCommand(env: Readonly<Record<string, string | undefined>>): string {
  return env['npm_command'] === 'exec' ? 'npx kubently' : 'kubently';
}
