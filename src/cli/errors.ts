/**
 * A command was given something it cannot use (an unknown organisation, a weak password …).
 * The command line prints the message and exits with status 2.
 */
export class UsageError extends Error {}
