/**
 * The tokenizer's inverse. NUT escapes exactly three characters inside quotes: `\`, `"`
 * and `#` (pconf_encode). Everything else, spaces and non-ASCII included, goes through as
 * it is.
 */
export function escapeValue(value: string): string {
  return value.replace(/[\\"#]/g, (ch) => `\\${ch}`)
}

/** A value as upsd prints it: always quoted, escaped. */
export function quote(value: string): string {
  return `"${escapeValue(value)}"`
}

const needsQuoting = /[\s"#=\\]|^$/

/**
 * One argument as a client sends it: bare when it can be, quoted otherwise, so that the
 * receiving tokenizer yields exactly `value` back.
 */
export function encodeArgument(value: string): string {
  return needsQuoting.test(value) ? quote(value) : value
}

/** A whole request or message line (without the trailing LF). */
export function encodeLine(words: readonly string[]): string {
  return words.map(encodeArgument).join(' ')
}
