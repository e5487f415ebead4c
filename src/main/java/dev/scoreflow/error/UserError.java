package dev.scoreflow.error;

/**
 * Marks an exception as the user's to fix (a bad flag, a broken file, a checkpoint that does not
 * match): the command line prints its message on one line and exits 1, with no stack trace
 * unless --verbose. Anything not marked (and not an IllegalArgumentException or I/O error) is an
 * internal error.
 */
public interface UserError {}
