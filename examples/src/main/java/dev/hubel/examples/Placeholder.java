package dev.hubel.examples;

final class Placeholder {}
