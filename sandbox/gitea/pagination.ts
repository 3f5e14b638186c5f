/** Gitea's utils.GetListOptions: `limit` <= 0 means the default, above the maximum means the maximum. */
export function listOptions(
  query: URLSearchParams,
  sizes: { max: number; default: number },
): { page: number; limit: number } {
  const limit = formInt(query.get("limit"));
  const page = formInt(query.get("page"));
  return {
    page: page > 0 ? page : 1,
    limit: limit <= 0 ? sizes.default : Math.min(limit, sizes.max),
  };
}

/** Go's ctx.FormInt: anything unparseable is 0. */
export function formInt(text: string | null): number {
  if (text === null || !/^[+-]?\d+$/.test(text)) return 0;
  return Number.parseInt(text, 10);
}

/** Go's url.QueryEscape: only letters, digits and -_.~ stay as they are; a space becomes "+". */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** Go's url.Values.Encode: keys sorted, each value escaped. */
function encodeQuery(query: URLSearchParams): string {
  const keys = [...new Set(query.keys())].sort();
  return keys
    .flatMap((key) => query.getAll(key).map((value) => `${queryEscape(key)}=${queryEscape(value)}`))
    .join("&");
}

/**
 * The Link header Gitea's SetLinkHeader builds (services/context/api.go genAPILinks with the
 * paginator): next, last, first, prev, in that order, comma-joined, absolute on AppURL.
 * The current page is the requested one clamped to [1, total pages].
 */
export function linkHeader(
  appUrl: string,
  rawPath: string,
  query: URLSearchParams,
  total: number,
  pageSize: number,
  requestedPage: number,
): string | undefined {
  const size = Math.max(pageSize, 1);
  const totalPages = Math.ceil(total / size);
  const current = Math.max(Math.min(requestedPage, totalPages), 1);
  const hasNext = current * size < total;
  const link = (page: number, rel: string) => {
    const copy = new URLSearchParams(query);
    copy.set("page", String(page));
    return `<${appUrl}${rawPath.replace(/^\//, "")}?${encodeQuery(copy)}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (hasNext) links.push(link(current + 1, "next"), link(totalPages, "last"));
  if (current !== 1) links.push(link(1, "first"));
  if (current > 1) links.push(link(current - 1, "prev"));
  return links.length > 0 ? links.join(",") : undefined;
}
