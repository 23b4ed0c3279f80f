package dev.pgvault.cli.pitr;

import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The AWS clients the PITR commands use; tests hand in clients aimed at a local stand-in. */
public interface PitrClients {
    RdsClient rds();

    SfnClient sfn();
}
