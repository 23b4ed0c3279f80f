package dev.pgvault.code;

import dev.pgvault.archive.UploadManifest;
import dev.pgvault.errors.IntegrityException;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * A working repository made from a bundle: every branch and tag as in the source (local
 * branches, not remote-tracking ones, so the refs are the source's), HEAD on the default branch
 * and checked out, and {@code origin} pointing back at the source URL.
 */
public final class BundleClone {
    private BundleClone() {
    }

    public static void clone(Path bundleFile, Path directory, UploadManifest.GitRef head, String originUrl) {
        try (Git git = Git.init().setDirectory(directory.toFile()).call()) {
            git.fetch().setRemote(bundleFile.toAbsolutePath().toString())
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                    .setTagOpt(TagOpt.NO_TAGS).call();
            git.getRepository().getRefDatabase().newUpdate(Constants.HEAD, false).link(head.name());
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(Constants.HEAD).call();
            if (originUrl != null) {
                StoredConfig config = git.getRepository().getConfig();
                config.setString("remote", "origin", "url", originUrl);
                config.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
                config.save();
            }
        } catch (GitAPIException | IOException e) {
            throw new IntegrityException("could not clone from the bundle: " + e.getMessage());
        }
    }
}
