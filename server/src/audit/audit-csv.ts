/**
 * The audit log as CSV (RFC 4180 quoting). Cells that a spreadsheet would run as a formula (starting with = + - @,
 * or a tab or carriage return) are prefixed with a quote: an actor's email or a target id is attacker-chosen text.
 */
import type { AuditEntry } from '@latchkey/schema';

const COLUMNS = [
  'at',
  'actor_email',
  'action',
  'environment',
  'target_type',
  'target_id',
  'ip',
  'details',
] as const;

export function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export function auditEntriesToCsv(entries: readonly AuditEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const entry of entries) {
    const cells = [
      entry.at.toISOString(),
      entry.actorEmail ?? '',
      entry.action,
      entry.environment ?? '',
      entry.targetType ?? '',
      entry.targetId ?? '',
      entry.ip ?? '',
      Object.keys(entry.details).length === 0 ? '' : JSON.stringify(entry.details),
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
