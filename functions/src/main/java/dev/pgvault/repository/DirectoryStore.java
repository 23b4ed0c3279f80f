package dev.pgvault.repository;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.ObjectExistsException;
import dev.pgvault.errors.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A repository in a local directory, laid out exactly like the S3 bucket so that the same
 * keys, listings and tools work on both. Objects are written under {@code .pgvault-tmp/} and
 * moved into place on commit (atomic on one filesystem), after an fsync.
 *
 * <p>Several processes may share the directory (two CLI runs, a CronJob and an operator), so
 * every write that must not race is made while holding an exclusive {@link FileLock} on
 * {@code .pgvault-tmp/conditional.lock} (and, because such locks belong to the whole JVM, an
 * in-process lock for the same directory first). A version tag is the SHA-256 of the content:
 * it needs no storage and means the same to every process, before and after a restart.
 *
 * <p>A partial file's name holds its start time and its key
 * ({@code <epoch millis>-<random>-<url-encoded key>.partial}), so an interrupted write can be
 * listed as {@link UnfinishedUpload} for what it was meant to be.
 */
public final class DirectoryStore implements BackupStore {
    static final String TEMP_DIRECTORY = ".pgvault-tmp";
    static final String LOCK_FILE = "conditional.lock";
    static final String PARTIAL = ".partial";
    /** Longer names would pass most filesystems' 255-byte limit; such partial files go unlisted. */
    private static final int MAX_NAME = 240;
    private static final Pattern PARTIAL_NAME = Pattern.compile("(\\d{1,19})-[0-9a-f]{8}-(.+)\\.partial");
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

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
        Path temp = tempFile(key);
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
                } catch (IOException e) {
                    abort();
                    throw failure("could not store " + key, e);
                }
                boolean created;
                try {
                    created = locked("store " + key, () -> createExclusively(temp, target));
                } finally {
                    abort(); // removes the partial file (after a hard link, the object's other name)
                }
                if (!created) {
                    throw new ObjectExistsException(key + " already exists in " + location() + " (written by another"
                            + " run); this one was discarded and that object left as it was");
                }
                fsyncDirectory(target.getParent());
                return stat(key).orElseThrow(() -> new StorageException(key + " vanished from " + location()
                        + " right after it was stored", true, null));
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
            locked("store " + key, () -> {
                Files.createDirectories(target.getParent());
                replace(temp, target);
                return null;
            });
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] content) {
        Path target = path(key);
        Path temp = writeTemp(key, content);
        try {
            boolean created = locked("store " + key, () -> {
                Files.createDirectories(target.getParent());
                return createExclusively(temp, target);
            });
            return created ? Optional.of(etag(content)) : Optional.empty();
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<Versioned> readVersioned(String key) {
        return readCurrent(key).map(content -> new Versioned(content, etag(content)));
    }

    @Override
    public Optional<String> replaceIfMatch(String key, byte[] content, String etag) {
        Path target = path(key);
        Path temp = writeTemp(key, content);
        try {
            return locked("replace " + key, () -> {
                Optional<byte[]> current = readCurrent(key);
                if (current.isEmpty() || !etag(current.get()).equals(etag)) {
                    return Optional.<String>empty();
                }
                replace(temp, target);
                return Optional.of(etag(content));
            });
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public boolean deleteIfMatch(String key, String etag) {
        Path target = path(key);
        return locked("delete " + key, () -> {
            Optional<byte[]> current = readCurrent(key);
            if (current.isEmpty() || !etag(current.get()).equals(etag)) {
                return false;
            }
            Files.delete(target);
            return true;
        });
    }

    @Override
    public void delete(String key) {
        Path target = path(key);
        locked("delete " + key, () -> Files.deleteIfExists(target));
    }

    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) {
        Path dir = root.resolve(TEMP_DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<UnfinishedUpload> unfinished = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = PARTIAL_NAME.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue; // the lock file, or a partial file from before names carried keys
                }
                String key = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
                if (key.startsWith(prefix)) {
                    unfinished.add(new UnfinishedUpload(key, Instant.ofEpochMilli(Long.parseLong(m.group(1)))));
                }
            }
        } catch (IOException e) {
            throw failure("could not list the unfinished writes in " + dir, e);
        }
        unfinished.sort(Comparator.comparing(UnfinishedUpload::key).thenComparing(UnfinishedUpload::started));
        return unfinished;
    }

    @Override
    public int abortUnfinished(String key) {
        Path dir = root.resolve(TEMP_DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int aborted = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = PARTIAL_NAME.matcher(file.getFileName().toString());
                if (m.matches() && URLDecoder.decode(m.group(2), StandardCharsets.UTF_8).equals(Keys.check(key))
                        && Files.deleteIfExists(file)) {
                    aborted++;
                }
            }
        } catch (IOException e) {
            throw failure("could not remove the unfinished writes of " + key + " in " + dir, e);
        }
        return aborted;
    }

    /** A content hash as version tag: equal content, equal tag, in any process. */
    static String etag(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<byte[]> readCurrent(String key) {
        try {
            return Optional.of(Files.readAllBytes(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("could not read " + key, e);
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} while no other thread or process writing this directory runs one. */
    private <T> T locked(String what, LockedAction<T> action) {
        Path lockFile;
        ReentrantLock inProcess;
        try {
            Path dir = Files.createDirectories(root.resolve(TEMP_DIRECTORY));
            lockFile = dir.resolve(LOCK_FILE);
            inProcess = IN_PROCESS.computeIfAbsent(dir.toRealPath(), d -> new ReentrantLock());
        } catch (IOException e) {
            throw failure("could not " + what, e);
        }
        inProcess.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            return action.run();
        } catch (IOException e) {
            throw failure("could not " + what, e);
        } finally {
            inProcess.unlock();
        }
    }

    /**
     * Puts {@code temp} under {@code target} only if nothing is there: false (and nothing changed)
     * otherwise. A hard link fails atomically when the name exists; where links are not supported,
     * a plain move is safe because the caller holds the directory's lock.
     */
    private static boolean createExclusively(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target)) {
                return false;
            }
            Files.move(temp, target);
            return true;
        }
    }

    private Path path(String key) {
        Path file = root.resolve(Keys.check(key)).normalize();
        if (!file.startsWith(root)) {
            throw new dev.pgvault.errors.InvalidRequestException("object key '" + key + "' leaves the repository");
        }
        return file;
    }

    /** A new partial file's path, its name holding the start time and the key. */
    private Path tempFile(String key) {
        try {
            Path dir = Files.createDirectories(root.resolve(TEMP_DIRECTORY));
            String random = String.format("%08x", ThreadLocalRandom.current().nextInt());
            String name = System.currentTimeMillis() + "-" + random + "-"
                    + URLEncoder.encode(key, StandardCharsets.UTF_8) + PARTIAL;
            if (name.length() > MAX_NAME) {
                name = System.currentTimeMillis() + "-" + random + PARTIAL;
            }
            return dir.resolve(name);
        } catch (IOException e) {
            throw failure("could not create " + root.resolve(TEMP_DIRECTORY), e);
        }
    }

    private Path writeTemp(String key, byte[] content) {
        Path temp = tempFile(key);
        try {
            Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            fsync(temp);
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("could not write " + key, e);
        }
    }

    private static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Makes a new name durable; not every platform can open a directory, and then it is skipped. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // best effort
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
