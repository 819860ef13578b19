/** Resolves after `ms` milliseconds (for polling loops; readiness is never a sleep). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
