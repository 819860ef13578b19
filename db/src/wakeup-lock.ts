/**
 * The advisory lock that orders writers' reads of the wake-up flag against a relay raising it
 * (see `requestWakeup`). Migration 0002's trigger takes it by this number, so the number is part
 * of the schema: it never changes.
 */
export const wakeupLockKey = 7126540001;
