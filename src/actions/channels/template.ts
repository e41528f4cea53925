/**
 * The channels' message templates: `{{type}}`, `{{ups}}`, `{{message}}`, `{{time}}` and
 * `{{host}}` are replaced; spaces inside the braces are allowed; any other `{{name}}` is
 * left as written so a typo shows in the message instead of vanishing. No logic, no
 * escaping: each channel escapes for its own format after rendering.
 */
export interface TemplateValues {
  type: string
  ups: string
  message: string
  time: string
  host: string
}

export const defaultTitle = 'nutshell: {{type}} {{ups}}'
export const defaultMessage = '{{message}}'

export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? values[key as keyof TemplateValues] : whole,
  )
}
