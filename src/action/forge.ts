import { ForgeClient, type ForgeFlavor } from "../forge/client.js";
import { InputError } from "./inputs.js";
import type { Reporter } from "./reporter.js";

export interface ForgeSettings {
  apiUrl: string | undefined;
  token: string | undefined;
  flavor?: ForgeFlavor;
  timeoutMs?: number;
  /** The job's environment: `FLEET_RETRY_DELAY_MS` sets the first retry delay (tests, slow proxies). */
  env?: NodeJS.ProcessEnv;
}

function retryDelayFrom(env: NodeJS.ProcessEnv | undefined): number | undefined {
  const value = Number(env?.FLEET_RETRY_DELAY_MS);
  return env?.FLEET_RETRY_DELAY_MS && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** An API URL that is no http(s) URL is bad input: say so now instead of retrying a request that cannot be sent. */
function checkApiUrl(apiUrl: string): void {
  const url = URL.canParse(apiUrl) ? new URL(apiUrl) : undefined;
  if (url?.protocol === "http:" || url?.protocol === "https:") return;
  // Whatever sits before an @ may be a password: never echo it.
  const shown = apiUrl.replace(/^([^/]*\/\/)?[^@/]*@/, "$1");
  throw new InputError(
    `the forge API URL '${shown}' is not an http(s) URL: set the \`api-url\` input (Gitea: <server>/api/v1) or GITHUB_API_URL`,
  );
}

/** The forge client a job uses; the token is masked at once and only checked when a request needs it. */
export function createForge(settings: ForgeSettings, reporter: Reporter): ForgeClient {
  if (settings.token) reporter.setSecret(settings.token);
  if (!settings.apiUrl) {
    throw new InputError(
      "no forge API URL: set the `api-url` input (Gitea: <server>/api/v1) or GITHUB_API_URL",
    );
  }
  checkApiUrl(settings.apiUrl);
  const retryDelayMs = retryDelayFrom(settings.env);
  const flavor =
    settings.flavor ?? (/^https:\/\/api\.github\.com\/?$/.test(settings.apiUrl) ? "github" : "gitea");
  return new ForgeClient({
    baseUrl: settings.apiUrl,
    token: () => settings.token,
    flavor,
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    onRequest: (method, url) => reporter.debug(`${method} ${url}`),
  });
}
