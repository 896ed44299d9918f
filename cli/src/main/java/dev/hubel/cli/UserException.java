package dev.hubel.cli;

/** A mistake in how a command was called, explained in the message. */
final class UserException extends RuntimeException {
  UserException(String message) {
    super(message);
  }
}
