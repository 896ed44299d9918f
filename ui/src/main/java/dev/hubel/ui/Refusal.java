package dev.hubel.ui;

/** A request the dashboard will not carry out, with the HTTP status and the reason shown to the user. */
final class Refusal extends RuntimeException {
  private final int status;

  Refusal(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
