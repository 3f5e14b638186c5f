import fixture from "../gitea-api.json" with { type: "json" };

/** The subset of a swagger schema that scripts/extract-gitea-api.ts keeps. */
export interface Schema {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema;
}

export interface Parameter {
  name: string;
  type: string;
  enum?: unknown[];
  required?: boolean;
}

export interface Operation {
  operationId: string;
  path: Parameter[];
  query: Parameter[];
  body?: Schema;
  bodyRequired?: boolean;
}

export interface ApiFixture {
  giteaVersion: string;
  basePath: string;
  operations: Record<string, Operation>;
  definitions: Record<string, Schema>;
}

export const API = fixture as unknown as ApiFixture;

export interface Route {
  /** "METHOD /template", the fixture's key. */
  key: string;
  operation: Operation;
  params: Record<string, string>;
}

interface Template {
  key: string;
  method: string;
  segments: string[];
  /** Literal segments: more literal wins when two templates match. */
  literals: number;
}

const TEMPLATES: Template[] = Object.keys(API.operations).map((key) => {
  const [method, path] = key.split(" ") as [string, string];
  const segments = path.split("/").filter(Boolean);
  return { key, method, segments, literals: segments.filter((segment) => !segment.startsWith("{")).length };
});

/** `{filepath}` takes the rest of the path, as Gitea's `*` does. */
const GREEDY = "{filepath}";

function matchTemplate(template: Template, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < template.segments.length; index++) {
    const segment = template.segments[index]!;
    if (segment === GREEDY && index === template.segments.length - 1) {
      if (parts.length <= index) return undefined;
      params.filepath = parts.slice(index).join("/");
      return params;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (segment.startsWith("{")) params[segment.slice(1, -1)] = part;
    else if (segment !== part) return undefined;
  }
  return parts.length === template.segments.length ? params : undefined;
}

/** The operation for a method and an API-relative path whose segments are already decoded. */
export function findRoute(method: string, parts: string[]): Route | undefined {
  let best: { template: Template; params: Record<string, string> } | undefined;
  for (const template of TEMPLATES) {
    if (template.method !== method) continue;
    const params = matchTemplate(template, parts);
    if (params && (!best || template.literals > best.template.literals)) best = { template, params };
  }
  return (
    best && { key: best.template.key, operation: API.operations[best.template.key]!, params: best.params }
  );
}

/** Go's strconv.ParseBool, which Gitea's ctx.FormBool uses. */
const BOOLEANS = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);

function checkScalar(value: string, parameter: Parameter, where: string): string | undefined {
  if (parameter.type === "integer" && !/^[+-]?\d+$/.test(value)) {
    return `${where} '${parameter.name}' must be an integer, got '${value}'`;
  }
  if (parameter.type === "boolean" && !BOOLEANS.has(value)) {
    return `${where} '${parameter.name}' must be a boolean, got '${value}'`;
  }
  if (parameter.enum && !parameter.enum.includes(value)) {
    return `${where} '${parameter.name}' must be one of ${parameter.enum.join(", ")}, got '${value}'`;
  }
  return undefined;
}

/** Problems with the path parameters and query string of a request to `route`. */
export function checkParameters(route: Route, query: URLSearchParams): string[] {
  const problems: string[] = [];
  for (const parameter of route.operation.path) {
    const value = route.params[parameter.name];
    if (value === undefined || value === "") problems.push(`path parameter '${parameter.name}' is missing`);
    else {
      const problem = checkScalar(value, parameter, "path parameter");
      if (problem) problems.push(problem);
    }
  }
  for (const [name, value] of query) {
    const parameter = route.operation.query.find((candidate) => candidate.name === name);
    if (!parameter) {
      const known = route.operation.query.map((candidate) => candidate.name);
      problems.push(`unknown query parameter '${name}' (allowed: ${known.join(", ") || "none"})`);
      continue;
    }
    const problem = checkScalar(value, parameter, "query parameter");
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Problems with a request body (already parsed; `undefined` when there was none). */
export function checkBody(route: Route, body: unknown, hasBody: boolean): string[] {
  const schema = route.operation.body;
  if (!schema) return hasBody ? ["this operation takes no body"] : [];
  if (!hasBody) return route.operation.bodyRequired ? ["a body is required"] : [];
  const problems: string[] = [];
  checkValue(body, schema, "body", problems);
  return problems;
}

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const definition = API.definitions[schema.$ref];
  if (!definition)
    throw new Error(`gitea-api.json lacks the definition ${schema.$ref}: re-run the extract script`);
  return definition;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * JSON against a schema the way Go's decoder plus Gitea's binding see it, but strict on
 * unknown properties (Go would ignore them silently: exactly the mistakes we want to catch).
 * null is accepted where Go accepts it (it leaves the zero value).
 */
function checkValue(value: unknown, raw: Schema, where: string, problems: string[]): void {
  const schema = resolve(raw);
  if (value === null) return;
  const actual = typeOf(value);
  const expected = schema.type ?? (schema.properties ? "object" : undefined);
  if (expected === "number" ? actual !== "number" && actual !== "integer" : expected && actual !== expected) {
    problems.push(`${where} must be ${expected}, got ${actual}`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(`${where} must be one of ${schema.enum.join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (actual === "array" && schema.items) {
    (value as unknown[]).forEach((item, index) => {
      checkValue(item, schema.items!, `${where}[${index}]`, problems);
    });
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (object[name] === undefined || object[name] === null) problems.push(`${where}.${name} is required`);
    }
    for (const [name, item] of Object.entries(object)) {
      const property = schema.properties?.[name] ?? schema.additionalProperties;
      if (!property) problems.push(`${where}.${name} is not a property of ${raw.$ref ?? "this object"}`);
      else checkValue(item, property, `${where}.${name}`, problems);
    }
  }
}
