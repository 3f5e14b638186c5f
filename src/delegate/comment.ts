import type { Comment } from "../forge/types.js";
import { DELEGATE_MARKER_PREFIX } from "../names.js";
import type { AgentChoice } from "./decide.js";

/** The hidden marker that makes "this issue was already commented on" checkable. */
export function marker(agent: string): string {
  return `${DELEGATE_MARKER_PREFIX} agent=${agent} -->`;
}

export function hasMarker(comments: readonly Comment[]): boolean {
  return comments.some((comment) => comment.body.includes(DELEGATE_MARKER_PREFIX));
}

/**
 * The comment on a delegated issue: which agent, why (matched keywords and score), and how
 * to opt out. It quotes only config words, never issue text, so nothing untrusted is echoed.
 */
export function delegationComment(choice: AgentChoice, skipLabels: readonly string[]): string {
  const why =
    choice.matched.length > 0
      ? `it scored highest (**${choice.score}**) on the keywords ${choice.matched.map((word) => `\`${word}\``).join(", ")}`
      : "no agent's keywords matched, so it goes to the fallback agent";
  const optOut =
    skipLabels.length > 0
      ? `To keep fleet agents off an issue, add the \`${skipLabels[0]}\` label before it is delegated (or unassign and add it now).`
      : "To keep fleet agents off an issue, unassign the agent; set `delegation.skip-labels` in the fleet config to opt issues out.";
  return [`Delegated to @${choice.agent}: ${why}.`, "", optOut, "", marker(choice.agent)].join("\n");
}
