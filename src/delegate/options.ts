import type { RunContext } from "../action/context.js";
import { booleanInput, choiceInput, InputError, type InputSource, optionalString } from "../action/inputs.js";
import { parseIssueRef } from "../forge/refs.js";
import { DEFAULT_CONFIG_PATH, DELEGATE_MODES, DelegateInput } from "../names.js";

/** Issue actions that may leave an issue without an agent. */
export const DELEGATING_ACTIONS = ["opened", "reopened", "edited", "unassigned"] as const;

export type DelegateTarget =
  | { mode: "event"; repo: string; number: number }
  | { mode: "sweep" }
  | { mode: "status" }
  /** An issue event this job has nothing to do for (closed, labelled, ...). */
  | { mode: "ignore"; why: string };

export interface DelegateOptions {
  token: string | undefined;
  configPath: string;
  dryRun: boolean;
  apiUrl: string | undefined;
  /** The repository the workflow runs in: where the config and state are read. */
  repository: string | undefined;
  target: DelegateTarget;
}

interface IssuePayload {
  action?: string;
  issue?: { number?: number; pull_request?: unknown; is_pull?: boolean };
  repository?: { full_name?: string };
}

function eventTarget(context: RunContext): DelegateTarget {
  const payload = (context.event ?? {}) as IssuePayload;
  const number = payload.issue?.number;
  const repo = payload.repository?.full_name ?? context.repository;
  if (typeof number !== "number" || !repo) {
    throw new InputError("mode 'event' needs an issue event payload or the `issue` input");
  }
  // Gitea marks pull requests with `pull_request` (`is_pull` in some versions).
  if (payload.issue?.pull_request || payload.issue?.is_pull)
    return { mode: "ignore", why: `${repo}#${number} is a pull request` };
  const action = payload.action ?? "opened";
  if (!(DELEGATING_ACTIONS as readonly string[]).includes(action)) {
    return {
      mode: "ignore",
      why: `issue ${action}: only ${DELEGATING_ACTIONS.join(", ")} can need an agent`,
    };
  }
  return { mode: "event", repo, number };
}

/** Reads and checks every delegate input once; the mode `auto` is resolved from the event. */
export function readDelegateOptions(inputs: InputSource, context: RunContext): DelegateOptions {
  const mode = choiceInput(inputs, DelegateInput.mode, DELEGATE_MODES, "auto");
  const issue = optionalString(inputs, DelegateInput.issue);
  let target: DelegateTarget;
  if (issue !== undefined && (mode === "auto" || mode === "event")) {
    try {
      target = { mode: "event", ...parseIssueRef(issue, context.repository) };
    } catch (error) {
      throw new InputError(`input 'issue': ${(error as Error).message}`);
    }
  } else if (mode === "event" || (mode === "auto" && context.eventName === "issues")) {
    target = eventTarget(context);
  } else if (mode === "status") {
    target = { mode: "status" };
  } else {
    target = { mode: "sweep" };
  }
  return {
    token: optionalString(inputs, DelegateInput.token),
    configPath: optionalString(inputs, DelegateInput.config) ?? DEFAULT_CONFIG_PATH,
    dryRun: booleanInput(inputs, DelegateInput.dryRun, false),
    apiUrl: optionalString(inputs, DelegateInput.apiUrl) ?? context.apiUrl,
    repository: context.repository,
    target,
  };
}
