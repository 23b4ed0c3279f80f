package dev.pgvault.code;

import dev.pgvault.errors.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a source tarball into a directory, as {@code tar -x} would: files with their executable
 * bit, directories, symbolic links. An entry that would land outside the directory (an absolute
 * path, "..") is refused: the archive is not ours to trust that far.
 */
public final class TarballExtract {
    private TarballExtract() {
    }

    /** @return how many files were written */
    public static int extract(InputStream tarStream, Path directory) throws IOException {
        Path root = directory.toAbsolutePath().normalize();
        int files = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, "UTF-8");
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            if (entry.isGlobalPaxHeader() || entry.isPaxHeader()) {
                continue;
            }
            Path target = root.resolve(entry.getName()).normalize();
            if (!target.startsWith(root) || target.equals(root) && !entry.isDirectory()) {
                throw new IntegrityException("the tarball holds an entry outside its directory ('" + entry.getName()
                        + "'); nothing more was unpacked");
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isFile()) {
                Files.createDirectories(target.getParent());
                Files.copy(tar, target);
                if ((entry.getMode() & 0100) != 0) {
                    setExecutable(target);
                }
                files++;
            }
        }
        return files;
    }

    private static void setExecutable(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException notPosix) {
            file.toFile().setExecutable(true, false);
        }
    }
}
