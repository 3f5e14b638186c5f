import type { AgentRecord, TaskStatus } from "./schema.js";

/** What a report about a task says: explicit `task` outcomes, or `assigned` as seen on the forge. */
export type TaskReport = "started" | "assigned" | "completed" | "failed";

function isFinal(status: TaskStatus | undefined): status is "completed" | "failed" {
  return status === "completed" || status === "failed";
}

/**
 * Counts a task for an agent at most once per outcome. A task first seen finished counts as
 * started too. A final outcome stays, except that an explicit command may correct
 * completed <-> failed (the counts move with it); the forge never overrides one. Returns what
 * changed, or undefined when the report added nothing (so re-applying is harmless).
 */
export function recordTask(
  record: AgentRecord,
  task: string,
  report: TaskReport,
  source: "command" | "forge",
): string | undefined {
  const current = record.taskIds[task];
  if (current === report) return undefined;
  if (isFinal(current)) {
    if (source !== "command" || !isFinal(report)) return undefined;
    record.tasks[current]--;
    record.tasks[report]++;
    record.taskIds[task] = report;
    return `${task} corrected ${current} -> ${report}`;
  }
  if (current === undefined) record.tasks.started++;
  if (isFinal(report)) {
    record.tasks[report]++;
    record.taskIds[task] = report;
    return `${task} ${report}`;
  }
  // started <-> assigned: the forge confirming an announced task is news; the reverse adds nothing.
  if (current === "assigned") return undefined;
  record.taskIds[task] = report;
  return `${task} ${report}`;
}

/** Tasks the agent holds and has not finished: the dashboard's "open" column. */
export function openTasks(record: AgentRecord): number {
  return Object.values(record.taskIds).filter((status) => !isFinal(status)).length;
}

export function successRate(record: AgentRecord): number | undefined {
  const finished = record.tasks.completed + record.tasks.failed;
  return finished === 0 ? undefined : record.tasks.completed / finished;
}
