package dev.pgvault.cli.pitr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * RDS (Query protocol: form POST, XML answers) and Step Functions (JSON 1.0 protocol, operation in
 * X-Amz-Target) answered by one WireMock server; both SDK clients point at it.
 */
final class AwsStandIn {
    static final String RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/";

    private final WireMockExtension server;

    AwsStandIn(WireMockExtension server) {
        this.server = server;
    }

    SdkClients clients() {
        return new SdkClients(Region.EU_WEST_1, URI.create(server.baseUrl()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "example-secret")));
    }

    static MappingBuilder rds(String action) {
        return post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
    }

    static MappingBuilder sfn(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation));
    }

    void rdsAnswers(String action, String resultXml) {
        server.stubFor(rds(action).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody("<" + action + "Response xmlns=\"" + RDS_NS + "\"><" + action + "Result>" + resultXml
                        + "</" + action + "Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></"
                        + action + "Response>")));
    }

    void rdsFails(String action, int status, String code, String message) {
        server.stubFor(rds(action).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"" + RDS_NS + "\"><Error><Type>Sender</Type><Code>" + code
                        + "</Code><Message>" + message + "</Message></Error><RequestId>req-2</RequestId></ErrorResponse>")));
    }

    static String json(String body) {
        return body;
    }

    /** DescribeDBInstances result for one instance. */
    static String instance(String id, int retention, String latestRestorable) {
        return "<DBInstances><DBInstance><DBInstanceIdentifier>" + id + "</DBInstanceIdentifier>"
                + "<DBInstanceStatus>available</DBInstanceStatus>"
                + "<BackupRetentionPeriod>" + retention + "</BackupRetentionPeriod>"
                + "<PreferredBackupWindow>02:00-03:00</PreferredBackupWindow>"
                + (latestRestorable == null ? "" : "<LatestRestorableTime>" + latestRestorable + "</LatestRestorableTime>")
                + "<DbiResourceId>db-ABCDEFGHIJKLMNOP</DbiResourceId></DBInstance></DBInstances>";
    }

    static String automatedBackups(String earliest, String latest) {
        return "<DBInstanceAutomatedBackups><DBInstanceAutomatedBackup><DbiResourceId>db-ABCDEFGHIJKLMNOP</DbiResourceId>"
                + "<RestoreWindow><EarliestTime>" + earliest + "</EarliestTime><LatestTime>" + latest
                + "</LatestTime></RestoreWindow></DBInstanceAutomatedBackup></DBInstanceAutomatedBackups>";
    }
}
