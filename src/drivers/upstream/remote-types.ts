import { isNutServerError, type NutClient } from '../../client/index.ts'
import type { RemoteVariable } from './mirror.ts'

export type RemoteMetadata = Pick<RemoteVariable, 'type' | 'enums' | 'ranges'>

/**
 * GET TYPE for each name, then LIST ENUM / LIST RANGE where the type says so; every
 * request is sent at once (the client pipelines them). A variable that vanished between
 * LIST VAR and GET TYPE is left out rather than failing the whole poll.
 */
export async function fetchTypes(
  client: NutClient,
  ups: string,
  names: readonly string[],
): Promise<Map<string, RemoteMetadata>> {
  const types = await Promise.all(
    names.map((name) => client.getType(ups, name).catch(ignoreRemoteRefusal)),
  )
  const result = new Map<string, RemoteMetadata>()
  await Promise.all(
    names.map(async (name, i) => {
      const type = types[i]
      if (type === undefined) return
      const [enums, ranges] = await Promise.all([
        type.enum ? client.listEnum(ups, name).catch(ignoreRemoteRefusal) : [],
        type.range ? client.listRange(ups, name).catch(ignoreRemoteRefusal) : [],
      ])
      const metadata: RemoteMetadata = {
        type: {
          rw: type.rw,
          kind: type.kind,
          ...(type.maxLength === undefined ? {} : { maxLength: type.maxLength }),
        },
      }
      if (enums !== undefined) metadata.enums = enums
      if (ranges !== undefined) metadata.ranges = ranges
      result.set(name, metadata)
    }),
  )
  return result
}

function ignoreRemoteRefusal(error: unknown): undefined {
  if (isNutServerError(error)) return undefined
  throw error
}
