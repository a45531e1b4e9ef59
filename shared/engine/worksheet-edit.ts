/**
 * Removals that keep a worksheet's references whole: whatever pointed at the removed item goes with it, so the
 * worksheet stays one that parseWorksheet accepts. Each mutates the draft it is given (the store passes a copy).
 */
import type { Worksheet } from '../domain/worksheet.ts';

export function removeThreat(w: Worksheet, id: string): void {
  w.threats = w.threats.filter((t) => t.id !== id);
  w.acceptances = w.acceptances.filter((a) => a.threatId !== id);
  w.workshop.estimates = w.workshop.estimates.filter((e) => e.threatId !== id);
  delete w.workshop.notes[id];
}

export function removeControl(w: Worksheet, id: string): void {
  w.controls = w.controls.filter((c) => c.id !== id);
  for (const t of w.threats) t.controls = t.controls.filter((c) => c !== id);
}

export function removeAdversary(w: Worksheet, id: string): void {
  w.adversaries = w.adversaries.filter((a) => a.id !== id);
  for (const t of w.threats) t.adversaries = t.adversaries.filter((a) => a !== id);
  if (w.tradeoffAdversary === id) w.tradeoffAdversary = null;
}

export function removeRole(w: Worksheet, id: string): void {
  w.raci.roles = w.raci.roles.filter((r) => r.id !== id);
  for (const a of w.raci.activities) delete a.assignments[id];
}

/** Links or unlinks a control and a threat. */
export function setLink(w: Worksheet, threatId: string, controlId: string, linked: boolean): void {
  const t = w.threats.find((x) => x.id === threatId);
  if (!t) return;
  const has = t.controls.includes(controlId);
  if (linked && !has) t.controls.push(controlId);
  if (!linked && has) t.controls = t.controls.filter((c) => c !== controlId);
}
