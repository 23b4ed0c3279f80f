package dev.pgvault.repository;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A repository in a local directory, laid out exactly like the S3 bucket so that the same
 * keys, listings and tools work on both. Objects are written under {@code .pgvault-tmp/} and
 * renamed into place on commit (atomic on one filesystem), after an fsync.
 */
public final class DirectoryStore implements BackupStore {
    static final String TEMP_DIRECTORY = ".pgvault-tmp";

    private final Path root;

    public DirectoryStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public PendingObject create(String key, long expectedSize) {
        Path target = path(key);
        Path temp = tempFile();
        OutputStream out;
        try {
            out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw failure("could not start writing " + key, e);
        }
        return new PendingObject() {
            private boolean finished;

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public StoredObject commit() {
                try {
                    out.close();
                    fsync(temp);
                    Files.createDirectories(target.getParent());
                    move(temp, target, true);
                    finished = true;
                    return stat(key).orElseThrow();
                } catch (IOException e) {
                    abort();
                    throw failure("could not store " + key, e);
                }
            }

            @Override
            public void abort() {
                if (finished) {
                    return;
                }
                finished = true;
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the file is deleted next
                }
                deleteQuietly(temp);
            }
        };
    }

    @Override
    public InputStream open(String key) {
        try {
            return Files.newInputStream(path(key));
        } catch (NoSuchFileException e) {
            throw new BackupNotFoundException("no object " + key + " in " + location());
        } catch (IOException e) {
            throw failure("could not open " + key, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        Path file = path(key);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            return Optional.of(new StoredObject(key, Files.size(file),
                    Files.getLastModifiedTime(file).toInstant(), "STANDARD"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("could not read the attributes of " + key, e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String key = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (key.startsWith(TEMP_DIRECTORY + "/") || !key.startsWith(prefix)) {
                    continue;
                }
                stat(key).ifPresent(objects::add);
            }
        } catch (IOException e) {
            throw failure("could not list " + prefix, e);
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public void put(String key, byte[] content) {
        Path target = path(key);
        Path temp = writeTemp(key, content);
        try {
            Files.createDirectories(target.getParent());
            move(temp, target, true);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("could not store " + key, e);
        }
    }

    @Override
    public synchronized Optional<String> putIfAbsent(String key, byte[] content) {
        Path target = path(key);
        Path temp = writeTemp(key, content);
        try {
            Files.createDirectories(target.getParent());
            try {
                // A hard link is created atomically and fails if the name exists: two writers
                // racing for the same key cannot both win.
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException e) {
                move(temp, target, false);
            }
            return Optional.of(tag(content));
        } catch (FileAlreadyExistsException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("could not store " + key, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw failure("could not delete " + key, e);
        }
    }

    // Interim versions (serialised in this JVM only); the repository change replaces them.
    @Override
    public synchronized Optional<Versioned> readVersioned(String key) {
        Path file = path(key);
        try {
            byte[] content = Files.readAllBytes(file);
            return Optional.of(new Versioned(content, tag(content)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("could not read " + key, e);
        }
    }

    @Override
    public synchronized Optional<String> replaceIfMatch(String key, byte[] content, String etag) {
        Optional<Versioned> current = readVersioned(key);
        if (current.isEmpty() || !current.get().etag().equals(etag)) {
            return Optional.empty();
        }
        put(key, content);
        return Optional.of(tag(content));
    }

    @Override
    public synchronized boolean deleteIfMatch(String key, String etag) {
        Optional<Versioned> current = readVersioned(key);
        if (current.isEmpty() || !current.get().etag().equals(etag)) {
            return false;
        }
        delete(key);
        return true;
    }

    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) {
        return List.of();
    }

    private static String tag(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path path(String key) {
        Path file = root.resolve(Keys.check(key)).normalize();
        if (!file.startsWith(root)) {
            throw new dev.pgvault.errors.InvalidRequestException("object key '" + key + "' leaves the repository");
        }
        return file;
    }

    private Path tempFile() {
        try {
            Path dir = root.resolve(TEMP_DIRECTORY);
            Files.createDirectories(dir);
            return dir.resolve(UUID.randomUUID() + ".partial");
        } catch (IOException e) {
            throw failure("could not create " + root.resolve(TEMP_DIRECTORY), e);
        }
    }

    private Path writeTemp(String key, byte[] content) {
        Path temp = tempFile();
        try {
            Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            fsync(temp);
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("could not write " + key, e);
        }
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stray temp file under .pgvault-tmp is never listed as a backup
        }
    }

    private StorageException failure(String what, IOException e) {
        return new StorageException(what + " in " + location() + ": " + e.getMessage(), false, e);
    }
}
