package dev.pgvault.cli.pitr;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.pgvault.cli.ExitCodes;
import dev.pgvault.cli.PgvaultCommand;
import picocli.CommandLine;

/** pgvault pitr status / enable against an RDS stand-in. */
class PitrCommandTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final AwsStandIn aws = new AwsStandIn(wm);
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void statusShowsRetentionWindowAndLag() {
        aws.rdsAnswers("DescribeDBInstances", AwsStandIn.instance("auth-db-prod", 7, "2024-01-01T12:10:00Z"));
        aws.rdsAnswers("DescribeDBInstanceAutomatedBackups",
                AwsStandIn.automatedBackups("2023-12-25T02:14:00Z", "2024-01-01T12:10:00Z"));

        int exit = run("status", "--instance", "auth-db-prod");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(out.toString())
                .contains("auth-db-prod (available)")
                .contains("on, backups kept 7 days")
                .contains("Backup window (UTC):       02:00-03:00")
                .contains("Earliest restorable time:  2023-12-25T02:14:00Z")
                .contains("Latest restorable time:    2024-01-01T12:10:00Z")
                .contains("Lag (RPO available now):   4m 12s");
        wm.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("DbiResourceId=db-ABCDEFGHIJKLMNOP")));
    }

    @Test
    void statusOfAnInstanceWithoutBackupsSaysHowToTurnThemOn() {
        aws.rdsAnswers("DescribeDBInstances", AwsStandIn.instance("auth-db-dev", 0, null));
        assertThat(run("status", "--instance", "auth-db-dev")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("off").contains("pgvault pitr enable --instance auth-db-dev");
    }

    @Test
    void anUnknownInstanceIsNamed() {
        aws.rdsFails("DescribeDBInstances", 404, "DBInstanceNotFound", "DBInstance nope not found.");
        assertThat(run("status", "--instance", "nope")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("RDS instance nope does not exist");
    }

    @Test
    void enableShowsTheChangeAndRefusesTheRestartThatTurningBackupsOnCausesWithoutYes() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(0, "04:00-04:30", ""));

        int exit = run("enable", "--instance", "auth-db-prod", "--retention-days", "7", "--window", "02:00-03:00");

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(out.toString()).contains("Changes to auth-db-prod (available):")
                .contains("backup retention: 0 -> 7 days (turns point-in-time recovery on)")
                .contains("backup window (UTC): 04:00-04:30 -> 02:00-03:00");
        assertThat(err.toString()).contains("refused, nothing was changed").contains("restarts auth-db-prod now")
                .contains("--at-maintenance-window (sun:05:00-sun:05:30 UTC)").contains("--yes");
        assertNoModify();
    }

    @Test
    void enableAtTheMaintenanceWindowLeavesTheRestartToTheWindow() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(0, "04:00-04:30", ""));
        aws.rdsAnswers("ModifyDBInstance", modifiedXml());

        int exit = run("enable", "--instance", "auth-db-prod", "--at-maintenance-window");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("Action=ModifyDBInstance"))
                .withRequestBody(containing("BackupRetentionPeriod=7"))
                .withRequestBody(containing("PreferredBackupWindow=02%3A00-03%3A00"))
                .withRequestBody(containing("ApplyImmediately=false")));
        assertThat(out.toString()).contains("in the next maintenance window, sun:05:00-sun:05:30 UTC").contains("changing to 7");
    }

    @Test
    void enableWithYesAppliesNowAsTheRunbookDid() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(0, "02:00-03:00", ""));
        aws.rdsAnswers("ModifyDBInstance", modifiedXml());

        assertThat(run("enable", "--instance", "auth-db-prod", "--yes")).isEqualTo(ExitCodes.OK);
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("Action=ModifyDBInstance"))
                .withRequestBody(containing("DBInstanceIdentifier=auth-db-prod"))
                .withRequestBody(containing("ApplyImmediately=true")));
        assertThat(out.toString()).contains("applied immediately; the instance restarts");
    }

    @Test
    void pendingModificationsAreNotDraggedAlongWithoutYes() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(3, "02:00-03:00",
                "<PendingModifiedValues><DBInstanceClass>db.r6g.2xlarge</DBInstanceClass></PendingModifiedValues>"));

        assertThat(run("enable", "--instance", "auth-db-prod", "--retention-days", "14")).isEqualTo(ExitCodes.USAGE);
        assertThat(out.toString()).contains("backup retention: 3 -> 14 days")
                .contains("Already pending on auth-db-prod: DBInstanceClass: db.r6g.2xlarge");
        assertThat(err.toString()).contains("also applies the modifications pending on auth-db-prod now")
                .contains("DBInstanceClass: db.r6g.2xlarge").doesNotContain("restarts auth-db-prod now");
        assertNoModify();
    }

    @Test
    void aChangeBetweenNonZeroRetentionsWithNothingPendingGoesAhead() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(3, "02:00-03:00", ""));
        aws.rdsAnswers("ModifyDBInstance", modifiedXml());
        assertThat(run("enable", "--instance", "auth-db-prod", "--retention-days", "14")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("backup retention: 3 -> 14 days").doesNotContain("restarts");
    }

    @Test
    void nothingToChangeChangesNothing() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(7, "02:00-03:00", ""));
        assertThat(run("enable", "--instance", "auth-db-prod")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("already keeps 7 days of backups").contains("nothing to change");
        assertNoModify();
    }

    private void assertNoModify() {
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ModifyDBInstance"))))
                .isEmpty();
    }

    private static String instanceXml(int retention, String window, String pending) {
        return "<DBInstances><DBInstance><DBInstanceIdentifier>auth-db-prod</DBInstanceIdentifier>"
                + "<DBInstanceStatus>available</DBInstanceStatus><BackupRetentionPeriod>" + retention
                + "</BackupRetentionPeriod><PreferredBackupWindow>" + window + "</PreferredBackupWindow>"
                + "<PreferredMaintenanceWindow>sun:05:00-sun:05:30</PreferredMaintenanceWindow>" + pending
                + "<DbiResourceId>db-ABCDEFGHIJKLMNOP</DbiResourceId></DBInstance></DBInstances>";
    }

    private static String modifiedXml() {
        return "<DBInstance><DBInstanceIdentifier>auth-db-prod</DBInstanceIdentifier>"
                + "<DBInstanceStatus>modifying</DBInstanceStatus><BackupRetentionPeriod>0</BackupRetentionPeriod>"
                + "<PreferredBackupWindow>02:00-03:00</PreferredBackupWindow>"
                + "<PendingModifiedValues><BackupRetentionPeriod>7</BackupRetentionPeriod></PendingModifiedValues></DBInstance>";
    }

    @Test
    void badSettingsAreRefusedBeforeAnyCall() {
        assertThat(run("enable", "--instance", "auth-db-prod", "--window", "02:00-02:10"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("backup window '02:00-02:10' is 10 minutes long");
        assertThat(run("enable", "--instance", "auth-db-prod", "--retention-days", "40"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("retention must be 1 to 35 days");
        assertThat(run("enable", "--instance", "auth_db", "--window", "25:00-26:00"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("enable", "--instance", "auth_db")).isEqualTo(ExitCodes.USAGE);
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void rdsRefusalsAreShownAsTheyCome() {
        aws.rdsAnswers("DescribeDBInstances", instanceXml(7, "04:00-04:30", ""));
        aws.rdsFails("ModifyDBInstance", 400, "InvalidParameterCombination",
                "The backup window and maintenance window must not overlap.");
        assertThat(run("enable", "--instance", "auth-db-prod")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("must not overlap");
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new PitrCommand(aws.clients(),
                Clock.fixed(Instant.parse("2024-01-01T12:14:12Z"), ZoneOffset.UTC)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        PgvaultCommand.configure(cli, null);
        return cli.execute(args);
    }
}
