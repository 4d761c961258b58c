/**
 * /openapi.json (OpenAPI 3.1), built from the routes' own declarations (src/lib/api-route.ts): every path,
 * parameter, body and response comes from the schema that validates or shapes it, so the document cannot drift
 * from what the API does. Named schemas (`named(…)` in lib/openapi.ts) become `components.schemas` entries
 * referred to by `$ref`. Built once per process, on the first request for it.
 */
import type { RouteSpec } from './api-route'
import * as z from './zod'

type Json = Record<string, unknown>

export interface DocumentInfo {
  info: { title: string; version: string; description: string }
  securitySchemes: Record<string, Json>
}

/** A route's declaration and the path prefix it is mounted under. */
export interface DocumentedRoute {
  prefix: string
  spec: RouteSpec
}

/** The document for these routes. */
export function openApiDocument(routes: DocumentedRoute[], about: DocumentInfo): Json {
  const components = new Components()
  const paths: Record<string, Record<string, Json>> = {}
  for (const { prefix, spec } of routes) {
    const path = `${prefix}${spec.path}`
    const operation: Json = {}
    if (spec.security) operation.security = spec.security
    if (spec.tags) operation.tags = spec.tags
    operation.summary = spec.summary
    if (spec.description) operation.description = spec.description
    const { params, query, body } = spec.request ?? {}
    const parameters = [
      ...(params ? components.parameters(params, 'path') : []),
      ...(query ? components.parameters(query, 'query') : []),
    ]
    if (parameters.length > 0) operation.parameters = parameters
    if (body) {
      operation.requestBody = {
        required: true,
        ...(body.description ? { description: body.description } : {}),
        content: {
          'application/json': { schema: components.schema(body.content['application/json'].schema, 'input') },
        },
      }
    }
    const responses: Json = {}
    for (const [status, response] of Object.entries(spec.responses)) {
      const content: Json = {}
      for (const [type, { schema }] of Object.entries(response.content ?? {}))
        content[type] = { schema: components.schema(schema, 'output') }
      responses[status] = { description: response.description, ...(response.content ? { content } : {}) }
    }
    operation.responses = responses
    const operations = paths[path] ?? {}
    paths[path] = operations
    if (operations[spec.method]) throw new Error(`${spec.method.toUpperCase()} ${path} is declared twice`)
    operations[spec.method] = operation
  }
  return {
    openapi: '3.1.0',
    info: about.info,
    components: { schemas: components.named, securitySchemes: about.securitySchemes },
    paths,
    webhooks: {},
  }
}

/** Converts schemas to JSON Schema, collecting the named ones, and refuses two different schemas under one name. */
class Components {
  readonly named: Record<string, Json> = {}

  schema(schema: z.ZodMiniType, io: 'input' | 'output'): Json {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      // Transforms and the like have no JSON Schema; they are documented by their input or output type.
      unrepresentable: 'any',
      // Whether an answer may gain fields later is not promised either way; only inputs are checked strictly.
      override: ({ jsonSchema }) => {
        if (io === 'output' && jsonSchema.additionalProperties === false)
          delete jsonSchema.additionalProperties
      },
    }) as Json
    const { $schema: _dialect, $defs, ...root } = relink(converted)
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, Json>)) {
      const known = this.named[id]
      if (known && JSON.stringify(known) !== JSON.stringify(definition))
        throw new Error(`two different schemas are named ${id} (${io}): name only one, or make them equal`)
      this.named[id] = definition
    }
    return root
  }

  /** An object schema's fields as OpenAPI parameters. */
  parameters(schema: z.ZodMiniType, where: 'path' | 'query'): Json[] {
    const object = this.schema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] }
    return Object.entries(object.properties ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
      schema: property,
    }))
  }
}

/** zod writes references into its own `$defs`; in the document they point at `components.schemas`. */
function relink(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json
}
