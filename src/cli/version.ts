import packageJson from "../../package.json" with { type: "json" };

/** The version of fleet-actions, from package.json (bundled into dist/cli at build time). */
export const VERSION: string = packageJson.version;
