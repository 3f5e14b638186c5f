// Writes schema/fleet.schema.json from the zod schema the loader validates with, so both agree.
import { writeFileSync } from "node:fs";
import { z } from "zod";
import { fleetConfigSchema } from "../src/config/schema.js";

const schema = z.toJSONSchema(fleetConfigSchema, { io: "input", target: "draft-2020-12" });
writeFileSync(
  new URL("../schema/fleet.schema.json", import.meta.url),
  `${JSON.stringify(schema, null, 2)}\n`,
);
console.log("schema/fleet.schema.json written");
