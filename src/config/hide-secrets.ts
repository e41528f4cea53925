/**
 * The configuration with its secrets masked, for `config show` and anything else that prints
 * a configuration a person may paste into a bug report. A secret is a password or token, a
 * stored hash, the password part of a URL, and the whole path of a Discord or Slack webhook
 * URL (the path is the credential there: whoever has it can post).
 */
const mask = '********'
const secretKeys = new Set(['password', 'token', 'hash'])
const pathIsSecret = new Set(['discord', 'slack'])

export function hideSecrets<T>(config: T): unknown {
  return JSON.parse(
    JSON.stringify(config, function (this: Record<string, unknown>, key, value: unknown) {
      if (typeof value !== 'string') return value
      if (secretKeys.has(key)) return mask
      if (key === 'url') return hideInUrl(value, pathIsSecret.has(String(this['type'])))
      return value
    }),
  )
}

function hideInUrl(text: string, wholePath: boolean): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return text
  }
  if (!wholePath && url.password === '') return text
  if (url.password !== '') url.password = mask
  const origin = `${url.protocol}//${url.username === '' ? '' : `${url.username}:${url.password}@`}${url.host}`
  return wholePath ? `${origin}/${mask}` : `${origin}${url.pathname}${url.search}`
}
