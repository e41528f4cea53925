/**
 * The native config's schema as JSON Schema (draft 2020-12), for editors: `nutshell config
 * schema > nutshell.schema.json`, then point the YAML language server at it
 * (docs/configuration.md). Generated from the one zod schema, so the two cannot drift.
 */
import { z } from 'zod'
import { rootSchema } from './yaml-schema.ts'

export function configJsonSchema(): Record<string, unknown> {
  // The input side: what may be written (durations as text, commands as text or list).
  const schema = z.toJSONSchema(rootSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  const root = (
    Array.isArray(schema['anyOf'])
      ? (schema['anyOf'] as Record<string, unknown>[]).find((s) => s['type'] === 'object')
      : schema
  ) as Record<string, unknown>
  // Top-level `x-...` keys hold YAML anchors to share; the loader ignores them.
  root['patternProperties'] = { '^x-': {} }
  return {
    $schema: schema['$schema'],
    title: 'nutshell configuration',
    description: 'The native nutshell configuration file (docs/configuration.md).',
    ...root,
  }
}
