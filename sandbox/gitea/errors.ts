/** An error answered as Gitea answers it: `{message, url}`, or an empty body where Gitea sends none. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    /** Gitea answers some 403s with `ctx.Status(403)`: no body at all. */
    readonly emptyBody = false,
  ) {
    super(message);
  }
}

/** Gitea's `APIErrorNotFound()`. */
export function notFound(message = "not found"): ApiError {
  return new ApiError(404, message);
}

/**
 * Gitea's `APIErrorInternal`: in production the message reaches only site admins; everyone
 * else gets `{"message": ""}`. The caller decides who is asking.
 */
export function internal(message: string): ApiError {
  return new ApiError(500, message);
}
