import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configTable, fleetJsonSchema, withConfigTable } from "../../scripts/config-doc.js";
import { anchors, codeBlocks, isExcerpt, links, ROOT, readDoc, userDocs } from "../harness/markdown.js";

const README_LIMIT = 12 * 1024;
// docs/README.md lists, under "More", documents other parts of the project add; the lead checks those at the end.
const LINKS_MAY_POINT_AHEAD = { file: "docs/README.md", section: "More" };

describe("README.md", () => {
  it(`stays within ${README_LIMIT} bytes`, () => {
    expect(statSync(join(ROOT, "README.md")).size).toBeLessThanOrEqual(README_LIMIT);
  });

  it("keeps the two commands verbatim", () => {
    const shell = codeBlocks(readDoc("README.md")).map((block) => block.text.trim());
    expect(shell).toContain("npm ci && npm run demo");
    expect(shell).toContain("npm test");
  });
});

describe.each(userDocs())("%s", (file) => {
  const markdown = readDoc(file);

  it("links only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const link of links(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue;
      if (file === LINKS_MAY_POINT_AHEAD.file && link.section === LINKS_MAY_POINT_AHEAD.section) continue;
      const [path = "", anchor] = link.target.split("#");
      const target = path === "" ? join(ROOT, file) : normalize(join(ROOT, dirname(file), decodeURI(path)));
      if (!existsSync(target)) {
        broken.push(`${file}:${link.line}: ${link.target} (no such file)`);
      } else if (anchor && target.endsWith(".md") && !anchors(readFileSync(target, "utf8")).has(anchor)) {
        broken.push(`${file}:${link.line}: ${link.target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("quotes workflows only as excerpts of the example file each names", () => {
    for (const block of codeBlocks(markdown).filter((b) => b.lang === "yaml" || b.lang === "yml")) {
      const snippet = parse(block.text) as unknown;
      const isWorkflow = snippet !== null && typeof snippet === "object" && "jobs" in snippet;
      const named = /^#\s*(examples\/\S+\.ya?ml)/.exec(block.text)?.[1];
      if (!isWorkflow && !named) continue;
      const where = `${file}:${block.line}`;
      expect(named, `${where}: a workflow must start with "# examples/...yml"`).toBeDefined();
      const example = parse(readFileSync(join(ROOT, named ?? ""), "utf8")) as unknown;
      expect(isExcerpt(snippet, example), `${where} differs from ${named}`).toBe(true);
    }
  });
});

describe("isExcerpt", () => {
  const whole = {
    on: { schedule: [{ cron: "1" }] },
    jobs: { a: { steps: [{ id: "x" }, { id: "y", with: { v: 1 } }] } },
  };

  it("accepts a part with fewer keys and list items, in order", () => {
    expect(isExcerpt({ jobs: { a: { steps: [{ id: "y" }] } } }, whole)).toBe(true);
    expect(isExcerpt({ jobs: { a: { steps: [{ id: "x" }, { id: "y" }] } } }, whole)).toBe(true);
  });

  it("rejects a changed value, an extra key or list items out of order", () => {
    expect(isExcerpt({ on: { schedule: [{ cron: "2" }] } }, whole)).toBe(false);
    expect(isExcerpt({ jobs: { a: { "runs-on": "x" } } }, whole)).toBe(false);
    expect(isExcerpt({ jobs: { a: { steps: [{ id: "y" }, { id: "x" }] } } }, whole)).toBe(false);
    expect(isExcerpt({ jobs: { a: { steps: [{ id: "y", with: { v: 2 } }] } } }, whole)).toBe(false);
  });
});

describe("docs/config.md", () => {
  it("has the key table npm run schema writes from the config schema", () => {
    const committed = readDoc("docs/config.md");
    expect(committed, "run npm run schema").toBe(withConfigTable(committed, fleetJsonSchema()));
  });

  it("documents every key, so a key added without a description fails here", () => {
    const table = configTable(fleetJsonSchema());
    for (const key of ["repos", "agents.<name>.keywords", "models.chain[].model", "lifecycle.idle-after"]) {
      expect(table).toContain(`\`${key}\``);
    }
    expect(() => configTable({ type: "object", properties: { bare: { type: "string" } } })).toThrow(
      /bare has no description/,
    );
  });
});
