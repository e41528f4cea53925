/**
 * `send` strings go through C's printf with one string argument (reference 1.7): the plug
 * name, a compressed range, or NULL, which glibc prints as `(null)`. `%%` is a percent
 * sign; `%s` may carry a `-` flag, a width and a precision. powermand leaves any other
 * conversion undefined; nutshell writes it out as it stands.
 */
export function formatSend(format: string, argument: string | undefined): string {
  const arg = argument ?? '(null)'
  return format.replace(
    /%(%|(-?)([0-9]*)(?:\.([0-9]+))?s)/g,
    (_whole, body: string, left: string, w: string, p: string | undefined) => {
      if (body === '%') return '%'
      let text = p === undefined ? arg : arg.slice(0, Number(p))
      const width = w === '' ? 0 : Number(w)
      if (text.length < width) text = left === '-' ? text.padEnd(width) : text.padStart(width)
      return text
    },
  )
}
