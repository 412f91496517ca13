const names = ['--server', '--api-url', '--api-key'];

/**
 * `kubently --api-url URL clusters list` works like `kubently clusters list --api-url URL`: the
 * connection flags given before the command are moved to the command's own arguments.
 */
export function peelConnectionFlags(argv: readonly string[]): { leading: string[]; rest: string[] } {
  const leading: string[] = [];
  let index = 0;
  while (index < argv.length) {
    const token = argv[index] ?? '';
    if (names.some((name) => token.startsWith(`${name}=`))) {
      leading.push(token);
      index += 1;
    } else if (names.includes(token) && index + 1 < argv.length) {
      leading.push(token, argv[index + 1] ?? '');
      index += 2;
    } else {
      break;
    }
  }
  return { leading, rest: argv.slice(index) };
}
