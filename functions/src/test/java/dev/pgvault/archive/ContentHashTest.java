package dev.pgvault.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentHashTest {
    private static final List<String> ROWS = List.of("1\tada\n", "2\tgrace\n", "3\tedsger\n", "2\tgrace\n", "4\t\\N\n");

    @Test
    void isTheSumOfRowDigestsModulo2To256WhateverTheOrder() throws Exception {
        BigInteger expected = BigInteger.ZERO;
        for (String row : ROWS) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(row.getBytes(StandardCharsets.UTF_8));
            expected = expected.add(new BigInteger(1, digest));
        }
        expected = expected.mod(BigInteger.TWO.pow(256));

        ContentHash forward = hashOf(ROWS);
        ContentHash backward = hashOf(ROWS.reversed());
        assertThat(forward.hex()).isEqualTo(String.format("%064x", expected));
        assertThat(backward.hex()).isEqualTo(forward.hex());
        assertThat(forward.rows()).isEqualTo(5);
    }

    @Test
    void partsAddUpToTheWhole() {
        ContentHash first = hashOf(ROWS.subList(0, 2));
        ContentHash rest = hashOf(ROWS.subList(2, ROWS.size()));
        first.add(rest);
        assertThat(first.hex()).isEqualTo(hashOf(ROWS).hex());
        assertThat(first.rows()).isEqualTo(ROWS.size());
    }

    @Test
    void aDuplicateRowChangesTheHash() {
        assertThat(hashOf(List.of("a\n", "a\n")).hex()).isNotEqualTo(hashOf(List.of("a\n")).hex())
                .isNotEqualTo(hashOf(List.of()).hex());
    }

    @Test
    void carriesOverflowAcrossLimbs() {
        // enough rows that the low limbs overflow many times; compare with BigInteger arithmetic
        BigInteger expected = BigInteger.ZERO;
        ContentHash hash = new ContentHash();
        for (int i = 0; i < 2000; i++) {
            byte[] row = ("row " + i + "\n").getBytes(StandardCharsets.UTF_8);
            hash.addRow(row, 0, row.length);
            try {
                expected = expected.add(new BigInteger(1, MessageDigest.getInstance("SHA-256").digest(row)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        assertThat(hash.hex()).isEqualTo(String.format("%064x", expected.mod(BigInteger.TWO.pow(256))));
    }

    private static ContentHash hashOf(List<String> rows) {
        ContentHash hash = new ContentHash();
        for (String row : rows) {
            byte[] bytes = ("x" + row).getBytes(StandardCharsets.UTF_8);
            hash.addRow(bytes, 1, bytes.length - 1); // an offset, as COPY buffers are read
        }
        return hash;
    }
}
