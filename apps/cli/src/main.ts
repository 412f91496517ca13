export async function main(): Promise<void> {
  await Promise.resolve();
  process.stderr.write('kubently: not built yet\n');
  process.exitCode = 2;
}
