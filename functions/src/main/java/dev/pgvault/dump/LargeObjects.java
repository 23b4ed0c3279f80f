package dev.pgvault.dump;

import dev.pgvault.archive.ContentHash;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Large objects: {@code lo_create} with the same oid in pre-data (with comment, and owner and
 * privileges when kept), then the content in the data section as {@code lo_put(oid, offset,
 * chunk)}, read and written in chunks so an object of any size passes with constant memory.
 * Each chunk is one statement that needs no open descriptor, so the script restores the same
 * with plain {@code psql} (every statement its own transaction), {@code psql --single-transaction}
 * and pgvault's restore (pg_dump's {@code lo_open}/{@code lowrite}/{@code lo_close} need one
 * transaction around them). Reading uses the server functions ({@code loread}), inside the
 * dump's snapshot, which needs no superuser.
 */
final class LargeObjects {
    /** INV_READ of libpq-fs.h. */
    private static final int READ = 0x40000;
    private static final int CHUNK = 256 * 1024;

    private LargeObjects() {}

    /** Fills {@code digest} with every object's oid and content while the data is written. */
    static void read(Catalog catalog, ContentHash digest) throws SQLException {
        boolean any;
        try (Statement st = catalog.connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata)")) {
            rs.next();
            any = rs.getBoolean(1);
        }
        if (!any) {
            return;
        }
        boolean keepOwners = catalog.options.keepOwnersAndPrivileges();
        catalog.add(DumpItem.streamed(new ObjectRef("large_objects", 0), ItemKind.LARGE_OBJECT, "large objects", "",
                (connection, out) -> writeDefinitions(connection, out, keepOwners)));
        catalog.add(DumpItem.streamed(new ObjectRef("large_object_data", 0), ItemKind.LARGE_OBJECT_DATA,
                "data of large objects", "", (connection, out) -> writeData(connection, out, digest)));
    }

    private static List<Long> oids(Connection connection) throws SQLException {
        List<Long> oids = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT oid FROM pg_catalog.pg_largeobject_metadata ORDER BY oid")) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        }
        return oids;
    }

    private static void writeDefinitions(Connection connection, OutputStream out, boolean keepOwners)
            throws SQLException, IOException {
        // Role names quoted whatever the restoring server's keywords (see Dumper).
        Dumper.setQuoteAll(connection, true);
        try {
            writeDefinitionsQuoted(connection, out, keepOwners);
        } finally {
            Dumper.setQuoteAll(connection, false);
        }
    }

    private static void writeDefinitionsQuoted(Connection connection, OutputStream out, boolean keepOwners)
            throws SQLException, IOException {
        String sql = "SELECT m.oid, quote_ident(pg_catalog.pg_get_userbyid(m.lomowner)), d.description, m.lomacl IS NOT NULL"
                + " FROM pg_catalog.pg_largeobject_metadata m LEFT JOIN pg_catalog.pg_description d"
                + " ON d.classoid = 'pg_catalog.pg_largeobject'::regclass AND d.objoid = m.oid AND d.objsubid = 0"
                + " ORDER BY m.oid";
        List<Long> withPrivileges = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                StringBuilder text = new StringBuilder("SELECT pg_catalog.lo_create('").append(oid).append("');\n");
                if (rs.getString(3) != null) {
                    text.append("COMMENT ON LARGE OBJECT ").append(oid).append(" IS ")
                            .append(SqlText.literal(rs.getString(3))).append(";\n");
                }
                if (keepOwners) {
                    text.append("ALTER LARGE OBJECT ").append(oid).append(" OWNER TO ").append(rs.getString(2))
                            .append(";\n");
                    if (rs.getBoolean(4)) {
                        withPrivileges.add(oid);
                    }
                }
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        for (long oid : withPrivileges) {
            out.write(Acl.forLargeObject(connection, oid).getBytes(StandardCharsets.UTF_8));
        }
        writeSecurityLabels(connection, out);
    }

    /** Large objects are not catalog items, so their security labels are written here, as pg_dump does. */
    private static void writeSecurityLabels(Connection connection, OutputStream out) throws SQLException, IOException {
        String sql = "SELECT s.objoid, quote_ident(s.provider), s.label FROM pg_catalog.pg_seclabel s"
                + " WHERE s.classoid = 'pg_catalog.pg_largeobject'::pg_catalog.regclass AND s.objsubid = 0"
                + " ORDER BY 1, 2";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.write(("SECURITY LABEL FOR " + rs.getString(2) + " ON LARGE OBJECT " + rs.getLong(1) + " IS "
                        + SqlText.literal(rs.getString(3)) + ";\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void writeData(Connection connection, OutputStream out, ContentHash digest)
            throws SQLException, IOException {
        HexFormat hex = HexFormat.of();
        readAll(connection, new ChunkSink() {
            private long oid;
            private long offset;

            @Override
            public void start(long oid) {
                this.oid = oid;
                this.offset = 0;
            }

            @Override
            public void chunk(byte[] chunk) throws IOException {
                write(out, "SELECT pg_catalog.lo_put('" + oid + "', " + offset + ", '\\x" + hex.formatHex(chunk)
                        + "');\n");
                offset += chunk.length;
            }
        }, digest);
    }

    /**
     * The order-independent fingerprint of all large objects (each object's oid and content),
     * as the dump records it: for checking a restored database against its manifest.
     */
    static ContentHash contentHash(Connection connection) throws SQLException, IOException {
        ContentHash digest = new ContentHash();
        readAll(connection, new ChunkSink() {}, digest);
        return digest;
    }

    /** What to do with each object's content as it is read. */
    private interface ChunkSink {
        default void start(long oid) throws IOException {}

        default void chunk(byte[] chunk) throws IOException {}

        default void end() throws IOException {}
    }

    private static void readAll(Connection connection, ChunkSink sink, ContentHash digest)
            throws SQLException, IOException {
        MessageDigest sha256 = sha256();
        try (PreparedStatement open = connection.prepareStatement("SELECT pg_catalog.lo_open(?::pg_catalog.oid, ?)");
                PreparedStatement read = connection.prepareStatement("SELECT pg_catalog.loread(?, ?)");
                PreparedStatement close = connection.prepareStatement("SELECT pg_catalog.lo_close(?)")) {
            for (long oid : oids(connection)) {
                open.setLong(1, oid);
                open.setInt(2, READ);
                int descriptor;
                try (ResultSet rs = open.executeQuery()) {
                    rs.next();
                    descriptor = rs.getInt(1);
                }
                sink.start(oid);
                sha256.update((oid + "\n").getBytes(StandardCharsets.UTF_8));
                while (true) {
                    read.setInt(1, descriptor);
                    read.setInt(2, CHUNK);
                    byte[] chunk;
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                        chunk = rs.getBytes(1);
                    }
                    if (chunk.length == 0) {
                        break;
                    }
                    sha256.update(chunk);
                    sink.chunk(chunk);
                }
                sink.end();
                byte[] objectDigest = sha256.digest();
                digest.addRow(objectDigest, 0, objectDigest.length);
                close.setInt(1, descriptor);
                close.execute();
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
