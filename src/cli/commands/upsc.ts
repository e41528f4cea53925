// Placeholder until this command is built; the owner of the command replaces this file.
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('nutshell upsc: not built yet\n')
  return 1
}
