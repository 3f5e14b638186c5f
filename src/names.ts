/**
 * Every input, output and default the actions expose, in one place, so that
 * action.yml files, code, CLI flags and docs cannot drift (a test compares them).
 */

export const ActionName = {
  delegate: "delegate",
  modelChain: "model-chain",
  lifecycle: "lifecycle",
} as const;
export type ActionName = (typeof ActionName)[keyof typeof ActionName];

export const DEFAULT_CONFIG_PATH = ".gitea/fleet.yml";
export const DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434";
export const DEFAULT_MODEL_TIMEOUT = "120s";
export const DEFAULT_IDLE_AFTER = "24h";
export const DEFAULT_STALL_AFTER = "72h";
export const DEFAULT_MAX_RECLAIMS = 2;
export const DEFAULT_NEEDS_HUMAN_LABEL = "needs-human";
export const DEFAULT_STATE_PATH = ".fleet/state.json";
export const DEFAULT_DASHBOARD_PATH = ".fleet/FLEET.md";
/** Environment variable the CLI reads the token from. */
export const TOKEN_ENV = "FLEET_TOKEN";

export const DelegateInput = {
  token: "token",
  config: "config",
  mode: "mode",
  dryRun: "dry-run",
  apiUrl: "api-url",
  issue: "issue",
} as const;
export const DelegateOutput = {
  assignments: "assignments",
  agent: "agent",
  dashboard: "dashboard",
  released: "released",
} as const;
export const DELEGATE_MODES = ["auto", "event", "sweep", "status"] as const;
export type DelegateMode = (typeof DELEGATE_MODES)[number];

export const ModelChainInput = {
  config: "config",
  url: "url",
  timeout: "timeout",
  failOn: "fail-on",
  token: "token",
  commit: "commit",
  apiUrl: "api-url",
} as const;
export const ModelChainOutput = {
  activeModel: "active-model",
  healthy: "healthy",
  report: "report",
} as const;
export const FAIL_ON = ["down", "degraded", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export const LifecycleInput = {
  token: "token",
  config: "config",
  command: "command",
  agent: "agent",
  task: "task",
  outcome: "outcome",
  dryRun: "dry-run",
  apiUrl: "api-url",
} as const;
export const LifecycleOutput = {
  idle: "idle",
  changed: "changed",
  state: "state",
} as const;
export const LIFECYCLE_COMMANDS = [
  "provision",
  "deploy",
  "heartbeat",
  "task",
  "retire",
  "monitor",
  "status",
] as const;
export type LifecycleCommand = (typeof LIFECYCLE_COMMANDS)[number];
export const TASK_OUTCOMES = ["started", "completed", "failed"] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** `fleet doctor` options (a CLI command, not an action) and its JSON outputs. */
export const DoctorInput = {
  config: "config",
  offline: "offline",
  apiUrl: "api-url",
  token: "token",
  url: "url",
} as const;
export const DoctorOutput = {
  ok: "ok",
  checks: "checks",
} as const;

/** Inputs and outputs per action, as declared in actions/<name>/action.yml. */
export const ACTION_INPUTS: Record<ActionName, readonly string[]> = {
  delegate: Object.values(DelegateInput),
  "model-chain": Object.values(ModelChainInput),
  lifecycle: Object.values(LifecycleInput),
};
export const ACTION_OUTPUTS: Record<ActionName, readonly string[]> = {
  delegate: Object.values(DelegateOutput),
  "model-chain": Object.values(ModelChainOutput),
  lifecycle: Object.values(LifecycleOutput),
};

/** Hidden marker in delegation comments: makes "already commented" checkable. */
export const DELEGATE_MARKER_PREFIX = "<!-- fleet-actions:delegate";
/** Hidden marker in release comments: counts an issue's releases and names the released agent. */
export const RELEASE_MARKER_PREFIX = "<!-- fleet-actions:release";
/** Every state commit message ends with this so state commits start no workflows. */
export const SKIP_CI = "[skip ci]";
