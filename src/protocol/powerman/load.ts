import type { PowermanFile } from './ast.ts'
import { type CheckOptions, checkPowerman } from './checker.ts'
import type { Diagnostic } from './diagnostics.ts'
import { type ParseOptions, parsePowerman } from './parser.ts'

export interface LoadedPowerman {
  file: PowermanFile
  /** Every text read, by name (the main file first), for rendering diagnostics. */
  sources: Map<string, string>
  /** Syntax and meaning diagnostics: file by file in reading order, then by position. */
  diagnostics: Diagnostic[]
}

export type LoadOptions = ParseOptions & CheckOptions

/** Parses and checks one powerman.conf or `.dev` text. Pure unless the reader is not. */
export function loadPowermanText(
  name: string,
  text: string,
  options: LoadOptions = {},
): LoadedPowerman {
  const parsed = parsePowerman(text, name, options)
  const checked = checkPowerman(parsed.file, name, options)
  return {
    file: parsed.file,
    sources: parsed.sources,
    diagnostics: sortDiagnostics([...parsed.diagnostics, ...checked], [...parsed.sources.keys()]),
  }
}

/**
 * The diagnostics of one script file, for `nutshell scripts check`: a `.dev` file or a
 * powerman.conf, its includes left unread unless a reader is given.
 */
export function checkScript(text: string, file: string, options: LoadOptions = {}): Diagnostic[] {
  return loadPowermanText(file, text, options).diagnostics
}

function sortDiagnostics(list: Diagnostic[], files: string[]): Diagnostic[] {
  const order = (f: string) => {
    const i = files.indexOf(f)
    return i < 0 ? files.length : i
  }
  return list
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) => order(a.d.file) - order(b.d.file) || a.d.span.start - b.d.span.start || a.i - b.i,
    )
    .map(({ d }) => d)
}
