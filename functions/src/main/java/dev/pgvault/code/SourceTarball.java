package dev.pgvault.code;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * One commit's tree as a tar stream, entry for entry what {@code git archive --format=tar} writes
 * (the runbook's archive, gzipped by the pipeline): a pax global header with the commit id,
 * directories 0775, files 0664 (0775 when executable), symbolic links, submodules as empty
 * directories, every time the commit's, owner root. Contents are streamed from the object
 * database, one blob at a time.
 */
public final class SourceTarball {
    private SourceTarball() {
    }

    public static void write(Repository repository, ObjectId commitId, OutputStream out) throws IOException {
        try (RevWalk walk = new RevWalk(repository);
             TreeWalk tree = new TreeWalk(repository)) {
            RevCommit commit = walk.parseCommit(commitId);
            Date time = new Date(commit.getCommitTime() * 1000L);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            // As git archive: a global header whose comment is the commit id (`git get-tar-commit-id` reads it).
            TarArchiveEntry global = new TarArchiveEntry("pax_global_header",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
            global.addPaxHeader("comment", commit.name());
            tar.putArchiveEntry(global); // written whole: no entry is left open
            tree.addTree(commit.getTree());
            tree.setRecursive(false);
            Set<String> directories = new HashSet<>();
            while (tree.next()) {
                String path = tree.getPathString();
                FileMode mode = tree.getFileMode(0);
                if (mode == FileMode.TREE) {
                    directory(tar, path, time, directories);
                    tree.enterSubtree();
                } else if (mode == FileMode.GITLINK) {
                    directory(tar, path, time, directories);
                } else if (mode == FileMode.SYMLINK) {
                    TarArchiveEntry entry = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(new String(repository.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                    entry.setMode(0777); // permission bits only, as git writes them
                    owner(entry, time);
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                } else {
                    ObjectLoader blob = repository.open(tree.getObjectId(0));
                    TarArchiveEntry entry = new TarArchiveEntry(path);
                    entry.setSize(blob.getSize());
                    entry.setMode(mode == FileMode.EXECUTABLE_FILE ? 0775 : 0664);
                    owner(entry, time);
                    tar.putArchiveEntry(entry);
                    blob.copyTo(tar);
                    tar.closeArchiveEntry();
                }
            }
            tar.finish(); // the end-of-archive blocks; not close(): the caller finishes the pipeline
        }
    }

    private static void directory(TarArchiveOutputStream tar, String path, Date time, Set<String> seen)
            throws IOException {
        if (seen.add(path)) {
            TarArchiveEntry entry = new TarArchiveEntry(path + "/");
            entry.setMode(0775);
            owner(entry, time);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }
    }

    private static void owner(TarArchiveEntry entry, Date time) {
        entry.setModTime(time);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("root");
        entry.setGroupName("root");
    }
}
