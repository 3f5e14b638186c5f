import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { feedPage } from "../../sandbox/gitea/activity.js";
import { blobSha } from "../../sandbox/gitea/git.js";
import { HANDLERS } from "../../sandbox/gitea/handlers/index.js";
import { linkHeader, listOptions } from "../../sandbox/gitea/pagination.js";
import { API, findRoute } from "../../sandbox/gitea/swagger.js";
import { dayRange } from "../../sandbox/gitea/time.js";
import type { ActivityRec } from "../../sandbox/gitea/types.js";

describe("the swagger fixture", () => {
  it("is small and has a handler for every operation, and no handler outside it", () => {
    expect(statSync(new URL("../../sandbox/gitea-api.json", import.meta.url)).size).toBeLessThan(100_000);
    expect(Object.keys(HANDLERS).sort()).toEqual(Object.keys(API.operations).sort());
    expect(API.giteaVersion).toBe("1.27.1");
  });

  it("routes literal segments before parameters and lets {filepath} take the rest", () => {
    expect(findRoute("GET", ["repos", "o", "r", "contents", ".gitea", "fleet.yml"])).toMatchObject({
      key: "GET /repos/{owner}/{repo}/contents/{filepath}",
      params: { owner: "o", repo: "r", filepath: ".gitea/fleet.yml" },
    });
    expect(findRoute("POST", ["repos", "o", "r", "contents"])?.key).toBe(
      "POST /repos/{owner}/{repo}/contents",
    );
    expect(findRoute("GET", ["repos", "o", "r", "issues", "3", "timeline"])?.params.index).toBe("3");
    expect(findRoute("GET", ["repos", "o", "r", "pulls"])).toBeUndefined();
  });
});

describe("pagination as Gitea builds it", () => {
  it("clamps limit and defaults page and size", () => {
    const sizes = { max: 50, default: 30 };
    expect(listOptions(new URLSearchParams("limit=500&page=0"), sizes)).toEqual({ page: 1, limit: 50 });
    expect(listOptions(new URLSearchParams(""), sizes)).toEqual({ page: 1, limit: 30 });
    expect(listOptions(new URLSearchParams("limit=-3&page=4"), sizes)).toEqual({ page: 4, limit: 30 });
  });

  it("orders rels next, last, first, prev, sorts the query, and clamps a page past the end", () => {
    const query = new URLSearchParams("state=open&page=2&limit=10");
    expect(linkHeader("http://h/", "/api/v1/x", query, 35, 10, 2)).toBe(
      '<http://h/api/v1/x?limit=10&page=3&state=open>; rel="next",' +
        '<http://h/api/v1/x?limit=10&page=4&state=open>; rel="last",' +
        '<http://h/api/v1/x?limit=10&page=1&state=open>; rel="first",' +
        '<http://h/api/v1/x?limit=10&page=1&state=open>; rel="prev"',
    );
    expect(linkHeader("http://h/", "/x", new URLSearchParams("page=9"), 35, 10, 9)).toBe(
      '<http://h/x?page=1>; rel="first",<http://h/x?page=3>; rel="prev"',
    );
    expect(linkHeader("http://h/", "/x", new URLSearchParams(""), 0, 10, 1)).toBeUndefined();
    expect(linkHeader("http://h/", "/x", new URLSearchParams("q=a b*"), 11, 10, 1)).toContain("q=a+b%2A");
  });
});

describe("feeds and content ids", () => {
  const list = Array.from({ length: 10 }, (_, index) => ({
    id: index + 1,
    created: 1_000 + index * 100,
  })) as ActivityRec[];

  it("pages newest first and counts within a day range", () => {
    expect(feedPage(list, 1, 3).items.map((item) => item.id)).toEqual([10, 9, 8]);
    expect(feedPage(list, 4, 3)).toMatchObject({ items: [{ id: 1 }], total: 10 });
    expect(feedPage(list, 5, 3).items).toEqual([]);
    const window = feedPage(list, 1, 50, [1_150, 1_400]);
    expect(window.items.map((item) => item.id)).toEqual([5, 4, 3]);
    expect(window.total).toBe(3);
  });

  it("reads dates as whole UTC days and rejects impossible ones", () => {
    expect(dayRange("2026-03-01")).toEqual([1_772_323_200, 1_772_323_200 + 86_399]);
    expect(dayRange("2026-02-30")).toBeUndefined();
    expect(dayRange("03/01/2026")).toBeUndefined();
  });

  it("computes git blob ids", () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(blobSha(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(blobSha(Buffer.alloc(0))).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  });
});
