package dev.hubel.cli;

/** Entry point of ./hubel. */
public final class Main {
  public static void main(String[] args) {
    System.out.println("hubel: nothing here yet");
  }
}
