/**
 * RACI validation: every activity has exactly one Accountable role (one owner of the outcome) and at least one
 * Responsible role (someone who does the work) — the two rules of the RACI convention (PMI, PMBOK Guide,
 * "Responsibility Assignment Matrix").
 */
import type { Raci } from '../domain/worksheet.ts';

export interface RaciProblem {
  activityId: string;
  /** What is wrong and what to do, naming the activity and the roles. */
  message: string;
}

export function validateRaci(raci: Raci): RaciProblem[] {
  const roleName = new Map(raci.roles.map((r) => [r.id, r.name]));
  const problems: RaciProblem[] = [];
  for (const activity of raci.activities) {
    const holders = (letter: string) =>
      raci.roles.filter((r) => (activity.assignments[r.id] ?? '').includes(letter)).map((r) => roleName.get(r.id) ?? r.id);
    const accountable = holders('A');
    const responsible = holders('R');
    const name = activity.name.trim() || '(unnamed activity)';
    if (accountable.length === 0) problems.push({ activityId: activity.id, message: `"${name}" has no Accountable role: give exactly one role an A` });
    else if (accountable.length > 1) {
      problems.push({ activityId: activity.id, message: `"${name}" has ${accountable.length} Accountable roles (${accountable.join(', ')}): keep exactly one A` });
    }
    if (responsible.length === 0) problems.push({ activityId: activity.id, message: `"${name}" has no Responsible role: give at least one role an R` });
  }
  return problems;
}
