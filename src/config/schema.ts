import { z } from "zod";
import { REPO_NAME, USER_NAME } from "../forge/refs.js";
import {
  DEFAULT_DASHBOARD_PATH,
  DEFAULT_IDLE_AFTER,
  DEFAULT_MAX_RECLAIMS,
  DEFAULT_MODEL_TIMEOUT,
  DEFAULT_NEEDS_HUMAN_LABEL,
  DEFAULT_STALL_AFTER,
  DEFAULT_STATE_PATH,
} from "../names.js";
import { durationProblem, formatDuration, MAX_DURATION_MS, MAX_TIMEOUT_MS } from "../util/duration.js";

/** A forge user name, as Gitea allows them. */
const userName = z.string().regex(USER_NAME, "a forge user name (letters, digits, '-', '_', '.')");

export const repoName = z
  .string()
  .regex(REPO_NAME, "a repository as owner/name")
  .meta({ description: "A repository as owner/name." });

/** A duration up to `maxMs`: beyond it, timers and date arithmetic break (and it is a typo anyway). */
function boundedDuration(maxMs: number) {
  return z
    .string()
    .superRefine((text, context) => {
      const problem = durationProblem(text, maxMs);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .meta({
      description: `A duration: 90s, 15m, 24h, 2d; at most ${formatDuration(maxMs)}.`,
      pattern: "^\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)$",
    });
}

const duration = boundedDuration(MAX_DURATION_MS);
const timeout = boundedDuration(MAX_TIMEOUT_MS);

const keyword = z.string().trim().min(1, "a non-empty keyword");

const agent = z.strictObject({
  keywords: z
    .union([z.array(keyword), z.record(keyword, z.number().positive("a positive weight"))])
    .default([])
    .meta({
      description: "Keywords this agent is good at: a list (weight 1 each) or a map keyword -> weight.",
    }),
  "max-open": z
    .number()
    .int()
    .nonnegative()
    .optional()
    .meta({ description: "Most open issues this agent may hold across the monitored repos." }),
});

const delegation = z.strictObject({
  fallback: userName
    .optional()
    .meta({ description: "Agent for issues nothing matches; omit to leave them unassigned." }),
  "skip-labels": z.array(z.string().min(1)).default(["no-agent"]).meta({
    description: "Issues with any of these labels are never delegated.",
  }),
  comment: z.boolean().default(true).meta({ description: "Comment on each delegated issue." }),
  "ignore-authors": z
    .array(userName)
    .default([])
    .meta({ description: "Issues opened by these users are left alone." }),
  "title-weight": z.number().positive().default(3).meta({
    description: "How much more a keyword in the title counts than one in the body.",
  }),
  "min-score": z.number().nonnegative().default(0).meta({
    description: "Scores at or below this are no match (the fallback applies).",
  }),
  "stall-after": z
    .union([z.literal("off"), duration])
    .default(DEFAULT_STALL_AFTER)
    .meta({
      description:
        'Release an agent that did nothing on an issue this long since it was assigned (sweep mode); "off" disables.',
    }),
  "max-reclaims": z.number().int().nonnegative().default(DEFAULT_MAX_RECLAIMS).meta({
    description: "After this many releases of one issue, label it for a person instead of delegating again.",
  }),
  "needs-human-label": z.string().min(1).default(DEFAULT_NEEDS_HUMAN_LABEL).meta({
    description: "Label put on an issue released max-reclaims times; delegate then leaves it alone.",
  }),
});

const chainEntry = z.strictObject({
  model: z.string().min(1).meta({ description: "Model name as Ollama knows it (gemma3:1b)." }),
  role: z
    .string()
    .min(1)
    .default("fallback")
    .meta({ description: "A label for the report: primary, fallback, last-resort, ..." }),
  expect: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Text the reply must contain (case-insensitive)." }),
  prompt: z.string().min(1).optional().meta({ description: "Prompt for this model; default models.prompt." }),
});

/** A chain as in `model-chain.json`: entries, or bare model names. */
export const chainSchema = z.array(z.union([z.string().min(1), chainEntry])).min(1, "at least one model");

const models = z.strictObject({
  url: z
    .url()
    .optional()
    .meta({ description: "Ollama server; default OLLAMA_HOST, else http://127.0.0.1:11434." }),
  chain: chainSchema.optional().meta({
    description: "Models in fallback order: names (the first is primary) or {model, role, prompt, expect}.",
  }),
  timeout: timeout
    .default(DEFAULT_MODEL_TIMEOUT)
    .meta({ description: "Per model inference timeout, cold load included." }),
  prompt: z
    .string()
    .min(1)
    .default("Reply with the single word: pong")
    .meta({ description: "The probe sent to every model." }),
  expect: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Text every reply must contain, unless an entry sets its own." }),
});

const lifecycle = z.strictObject({
  "idle-after": duration
    .default(DEFAULT_IDLE_AFTER)
    .meta({ description: "Silence after which an agent is flagged idle (90s, 15m, 24h, 2d)." }),
  "state-path": z
    .string()
    .min(1)
    .default(DEFAULT_STATE_PATH)
    .meta({ description: "The committed state file, in this repository." }),
  "dashboard-path": z
    .string()
    .min(1)
    .default(DEFAULT_DASHBOARD_PATH)
    .meta({ description: "The committed dashboard, in this repository." }),
  "failed-labels": z.array(z.string().min(1)).default(["failed"]).meta({
    description: "An assigned issue closed with one of these labels counts as a failed task.",
  }),
});

export const fleetConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    repos: z
      .array(repoName)
      .optional()
      .meta({ description: "Monitored repositories; default: the current repository." }),
    agents: z.record(userName, agent.default({ keywords: [] })).default({}),
    delegation: delegation.default({
      "skip-labels": ["no-agent"],
      comment: true,
      "ignore-authors": [],
      "title-weight": 3,
      "min-score": 0,
      "stall-after": DEFAULT_STALL_AFTER,
      "max-reclaims": DEFAULT_MAX_RECLAIMS,
      "needs-human-label": DEFAULT_NEEDS_HUMAN_LABEL,
    }),
    models: models.optional(),
    lifecycle: lifecycle.default({
      "idle-after": DEFAULT_IDLE_AFTER,
      "state-path": DEFAULT_STATE_PATH,
      "dashboard-path": DEFAULT_DASHBOARD_PATH,
      "failed-labels": ["failed"],
    }),
  })
  .meta({ title: "fleet-actions config (.gitea/fleet.yml)" });

/** The file as written (before defaults). */
export type FleetConfigInput = z.input<typeof fleetConfigSchema>;
/** The file after validation and defaults. */
export type RawFleetConfig = z.output<typeof fleetConfigSchema>;

/** The separate chain file: `{"chain": [...]}` or a bare array. */
export const chainFileSchema = z.union([
  z.strictObject({ $schema: z.string().optional(), chain: chainSchema }),
  chainSchema,
]);
