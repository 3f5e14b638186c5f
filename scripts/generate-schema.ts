// Writes schema/fleet.schema.json from the zod schema the loader validates with, so both agree,
// and the key table of docs/config.md from that JSON Schema.
import { readFileSync, writeFileSync } from "node:fs";
import { fleetJsonSchema, withConfigTable } from "./config-doc.js";

const schema = fleetJsonSchema();
writeFileSync(
  new URL("../schema/fleet.schema.json", import.meta.url),
  `${JSON.stringify(schema, null, 2)}\n`,
);
console.log("schema/fleet.schema.json written");

const doc = new URL("../docs/config.md", import.meta.url);
writeFileSync(doc, withConfigTable(readFileSync(doc, "utf8"), schema));
console.log("docs/config.md key table written");
