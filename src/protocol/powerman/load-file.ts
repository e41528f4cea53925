import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type LoadedPowerman, type LoadOptions, loadPowermanText } from './load.ts'
import type { IncludeReader } from './parser.ts'

/**
 * The one place the language touches the disk: reading a file and its includes. Files
 * are read as latin1 so every byte stays one character, as powermand sees them. A
 * relative include path is resolved against `cwd` (powermand's current directory, not
 * the including file's).
 */
export function includeReader(cwd = process.cwd()): IncludeReader {
  return (path) => {
    const name = resolve(cwd, path)
    try {
      return { name, text: readFileSync(name, 'latin1') }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return {
        error:
          code === 'ENOENT'
            ? 'no such file'
            : code === 'EISDIR'
              ? 'a directory'
              : (code ?? 'unreadable'),
      }
    }
  }
}

export function loadPowermanFile(
  path: string,
  options: LoadOptions & { cwd?: string } = {},
): LoadedPowerman | { error: string } {
  let text: string
  try {
    text = readFileSync(path, 'latin1')
  } catch (error) {
    return { error: `${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}` }
  }
  const { cwd, ...rest } = options
  return loadPowermanText(path, text, { readInclude: includeReader(cwd), ...rest })
}
