/** What each role may do, in the words the team page shows. */
import type { OperatorRole } from '@latchkey/schema';

export const ROLES: Array<{ value: OperatorRole; label: string; description: string }> = [
  {
    value: 'admin',
    label: 'Admin',
    description: 'Everything, including operators, API keys and the audit log.',
  },
  {
    value: 'developer',
    label: 'Developer',
    description: 'Integrations, connections, settings and secret reveal.',
  },
  { value: 'support', label: 'Support', description: 'Reads connections and logs; no secrets, no settings.' },
];
