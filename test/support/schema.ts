/**
 * A small JSON Schema checker for the subset src/openapi.ts uses (type, enum, properties, required,
 * additionalProperties, items, oneOf, $ref). Returns every mismatch as "path: problem".
 */
type Schema = Record<string, unknown>;

const typeOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v;

export function validate(value: unknown, schema: Schema, root: { components: { schemas: Record<string, Schema> } }, at = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = root.components.schemas[schema.$ref.split("/").pop() ?? ""];
    return target ? validate(value, target, root, at) : [`${at}: unknown $ref ${schema.$ref}`];
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(value, s, root, at).length === 0);
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`];
  }
  const errors: string[] = [];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number")))
      return [...errors, `${at}: ${t}, expected ${types.join("|")}`];
  }
  if (typeOf(value) === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) errors.push(`${at}.${key}: missing`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validate(v, props[key], root, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${key}: not documented`);
      else if (typeof schema.additionalProperties === "object")
        errors.push(...validate(v, schema.additionalProperties as Schema, root, `${at}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, v] of value.entries()) errors.push(...validate(v, schema.items as Schema, root, `${at}[${i}]`));
  }
  return errors;
}
