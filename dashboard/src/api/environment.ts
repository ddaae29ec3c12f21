/**
 * The environment the dashboard is looking at: the `$env` of the URL when there is one, else the last one used
 * (kept in localStorage), else `dev`. The tRPC client sends it as `X-Latchkey-Environment` on every call.
 */
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'latchkey.environment';
export const DEFAULT_ENVIRONMENT = 'dev';

let current = readStored();
const listeners = new Set<() => void>();
const changeHandlers = new Set<(next: string, previous: string) => void>();

function readStored(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) || DEFAULT_ENVIRONMENT;
  } catch {
    return DEFAULT_ENVIRONMENT;
  }
}

export function currentEnvironment(): string {
  return current;
}

/** Called by the `/dashboard/$env` route on every navigation into it. */
export function setCurrentEnvironment(name: string): void {
  if (name === current) return;
  const previous = current;
  current = name;
  try {
    localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // Private mode: the URL still carries the environment.
  }
  for (const handler of changeHandlers) handler(name, previous);
  for (const listener of listeners) listener();
}

/** Runs before listeners re-render: the query cache drops the previous environment's data here. */
export function onEnvironmentChange(handler: (next: string, previous: string) => void): () => void {
  changeHandlers.add(handler);
  return () => changeHandlers.delete(handler);
}

export function useCurrentEnvironment(): string {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, currentEnvironment);
}
