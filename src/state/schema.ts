import { z } from "zod";

/** The only state format this code reads and writes; a newer file is refused, never rewritten. */
export const STATE_VERSION = 1;

export const AGENT_STATES = ["provisioned", "deployed", "active", "idle", "retired"] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/**
 * What the state remembers of one task: `started` (by a `task` command), `assigned` (seen
 * assigned to the agent on the forge, still open), or its final outcome.
 */
export const TASK_STATUSES = ["started", "assigned", "completed", "failed"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Audit entries kept per agent; older ones are dropped (the commit history keeps them all). */
export const HISTORY_LIMIT = 50;

const timestamp = z.iso.datetime({ offset: true });

const transition = z.strictObject({
  at: timestamp,
  from: z.enum(AGENT_STATES).nullable(),
  to: z.enum(AGENT_STATES),
  cause: z.string(),
  actor: z.string(),
});

const signOfLife = z.strictObject({
  at: timestamp,
  source: z.string(),
});

const count = z.number().int().nonnegative();

const agentRecord = z.strictObject({
  state: z.enum(AGENT_STATES),
  since: timestamp,
  lastSeen: signOfLife.nullable(),
  tasks: z.strictObject({ started: count, completed: count, failed: count }),
  taskIds: z.record(
    z.string().regex(/^[^/\s]+\/[^#\s]+#\d+$/, "a task as owner/repo#N"),
    z.enum(TASK_STATUSES),
  ),
  history: z.array(transition),
});

const modelStatus = z.strictObject({
  model: z.string(),
  role: z.string(),
  available: z.boolean(),
  ok: z.boolean(),
  error: z.string().nullable(),
});

const modelsSection = z.strictObject({
  active: z.string().nullable(),
  /** When this outcome of the chain check was first seen; unchanged by re-checks with the same outcome. */
  since: timestamp,
  chain: z.array(modelStatus),
});

export const stateSchema = z.strictObject({
  version: z.literal(STATE_VERSION),
  agents: z.record(z.string().min(1), agentRecord),
  /** Per monitored repo: issues updated before this were already scanned for task outcomes. */
  issuesScannedSince: z.record(z.string(), timestamp),
  models: modelsSection.optional(),
});

export type Transition = z.infer<typeof transition>;
export type SignOfLife = z.infer<typeof signOfLife>;
export type AgentRecord = z.infer<typeof agentRecord>;
export type TaskCounts = AgentRecord["tasks"];
export type ModelStatus = z.infer<typeof modelStatus>;
export type ModelsSection = z.infer<typeof modelsSection>;
export type FleetState = z.infer<typeof stateSchema>;
