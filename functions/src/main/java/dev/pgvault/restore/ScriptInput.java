package dev.pgvault.restore;

import java.io.IOException;
import java.io.InputStream;

/** A buffered byte source with one byte of look-ahead and line counting, for the script scanner. */
final class ScriptInput {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private int line = 1;

    ScriptInput(InputStream in) {
        this.in = in;
    }

    /** The next byte (0-255) without consuming it, or -1 at the end. */
    int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position] & 0xFF;
    }

    /** Consumes and returns the next byte, or -1 at the end. */
    int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        int b = buffer[position++] & 0xFF;
        if (b == '\n') {
            line++;
        }
        return b;
    }

    /**
     * Copies bytes up to and including the next newline (or to the end) into {@code sink};
     * returns false if the input ended before any byte.
     */
    boolean copyLine(LineSink sink) throws IOException {
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                return any;
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (position < limit) {
                position++; // the newline
                line++;
                sink.write(buffer, start, position - start);
                return true;
            }
            sink.write(buffer, start, position - start);
        }
    }

    /** True if the input continues with exactly these bytes (which must fit in the look-ahead). */
    boolean startsWith(byte[] expected) throws IOException {
        if (limit - position < expected.length) {
            compactAndFill(expected.length);
        }
        if (limit - position < expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (buffer[position + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            read();
        }
    }

    int line() {
        return line;
    }

    interface LineSink {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void compactAndFill(int wanted) throws IOException {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        while (limit < wanted) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n <= 0) {
                return;
            }
            limit += n;
        }
    }
}
