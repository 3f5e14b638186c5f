/** A failed forge request: says method, path, status and what the server said. */
export class ForgeError extends Error {
  override name = "ForgeError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    readonly serverMessage: string,
    options?: { cause?: unknown },
  ) {
    const what = status === undefined ? "failed" : `answered ${status}`;
    super(`${method} ${path} ${what}: ${serverMessage || "(empty body)"}`, options);
  }
}

/** No token was given but a request needs one. */
export class MissingTokenError extends Error {
  override name = "MissingTokenError";
}

/** Gitea answers 422 ("sha does not match"), GitHub 409, when a contents write carries a stale sha. */
export function isStaleSha(error: unknown): boolean {
  if (!(error instanceof ForgeError)) return false;
  if (error.status === 409) return true;
  // Gitea and Forgejo: "sha does not match [given: x, expected: y]".
  return error.status === 422 && /does not match|out of date/i.test(error.serverMessage);
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ForgeError && error.status === 404;
}
