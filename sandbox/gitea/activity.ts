import type { ActivityRec, Unix } from "./types.js";

/** Ascending by (created, id): where `rec` belongs, searched from the end since most inserts are "now". */
export function insertSorted(list: ActivityRec[], rec: ActivityRec): void {
  let index = list.length;
  if (index > 0 && before(rec, list[index - 1]!)) index = upperBound(list, rec);
  list.splice(index, 0, rec);
}

function before(a: ActivityRec, b: ActivityRec): boolean {
  return a.created < b.created || (a.created === b.created && a.id < b.id);
}

function upperBound(list: ActivityRec[], rec: ActivityRec): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(rec, list[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** First index whose created is >= time (or > time when `strict`). */
function boundary(list: ActivityRec[], time: Unix, strict: boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const created = list[mid]!.created;
    if (created < time || (strict && created === time)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface FeedPage {
  items: ActivityRec[];
  total: number;
}

/**
 * One page, newest first, of an oldest-first list, optionally within [from, to]:
 * two binary searches and a slice, so large feeds cost nothing per request.
 */
export function feedPage(list: ActivityRec[], page: number, limit: number, range?: [Unix, Unix]): FeedPage {
  const low = range ? boundary(list, range[0], false) : 0;
  const high = range ? boundary(list, range[1], true) : list.length;
  const total = Math.max(0, high - low);
  const end = high - (page - 1) * limit;
  const start = Math.max(low, end - limit);
  const items = end > low ? list.slice(start, end).reverse() : [];
  return { items, total };
}
