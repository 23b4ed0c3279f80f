package dev.pgvault.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("pgvault " + dev.pgvault.Version.current());
    }
}
