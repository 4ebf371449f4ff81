// Reading JSON the way Go's encoding/json reads it into a struct: field names match
// case-insensitively and the last matching key wins. Shared by the config and lease decoders.

export type Fields = Map<string, unknown>

/** The object's keys lower-cased; the last of keys that differ only in case wins. */
export function foldKeys(object: Record<string, unknown>): Fields {
  const fields: Fields = new Map()
  for (const [key, value] of Object.entries(object)) fields.set(key.toLowerCase(), value)
  return fields
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value as an error message names it: "null", "an array", "an object", or its JSON. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return JSON.stringify(value)
}

/** obj[key] = value, also for a key named "__proto__" (JSON allows it; plain assignment would not store it). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true})
}

/** A field that does not decode; the decoder turns it into its own error value. */
export class FieldError {
  constructor(readonly message: string) {}
}

/** A bool field: absent or null is the fallback; anything but true/false is a FieldError. */
export function boolField(fields: Fields, name: string, fallback: boolean, prefix = ''): boolean {
  const value = fields.get(name.toLowerCase())
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'boolean') throw new FieldError(`${prefix}${name}: expected true or false, got ${describeJson(value)}`)
  return value
}

/** An unsigned integer field: absent or null is 0. */
export function uintField(fields: Fields, name: string, prefix = ''): number {
  const value = fields.get(name.toLowerCase())
  if (value === undefined || value === null) return 0
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new FieldError(`${prefix}${name}: expected a whole number >= 0, got ${describeJson(value)}`)
  }
  return value
}
