package dev.pgvault.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A source repository as an application's might be, made with JGit: history on main, a feature
 * branch, an annotated and a lightweight tag, a tag on a commit no branch reaches any more, an
 * executable script, a symbolic link, nested directories and a path longer than tar's 100 bytes.
 */
public final class SourceRepositories {
    private SourceRepositories() {
    }

    public static Path applicationRepository(Path directory) throws IOException, GitAPIException {
        try (Git git = Git.init().setDirectory(directory.toFile()).setInitialBranch("main").call()) {
            PersonIdent me = new PersonIdent("Dev Eloper", "dev@example.com", java.time.Instant.parse(
                    "2026-11-01T10:00:00Z"), java.time.ZoneOffset.UTC);
            write(directory, "README.md", "# auth-service\n");
            write(directory, "src/main/java/App.java", "class App {}\n");
            RevCommit first = commit(git, me, "first");
            git.tag().setName("v0").setAnnotated(false).setObjectId(first).call();

            write(directory, "scripts/deploy.sh", "#!/bin/sh\necho deploy\n");
            Files.setPosixFilePermissions(directory.resolve("scripts/deploy.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createSymbolicLink(directory.resolve("docs-link"), Path.of("src/main/java"));
            String deep = "deeply/nested/" + "directory-with-a-long-name/".repeat(4) + "file-past-the-100-byte-limit.txt";
            write(directory, deep, "long path\n");
            write(directory, "src/main/java/App.java", "class App { int version = 2; }\n");
            RevCommit second = commit(git, me, "second");
            git.tag().setName("v1.0").setMessage("release 1.0").setTagger(me).setObjectId(second).call();

            git.branchCreate().setName("feature/login").call();
            git.checkout().setName("feature/login").call();
            write(directory, "src/main/java/Login.java", "class Login {}\n");
            commit(git, me, "login");

            git.branchCreate().setName("experiment").setStartPoint("main").call();
            git.checkout().setName("experiment").call();
            write(directory, "EXPERIMENT", "tried\n");
            RevCommit experiment = commit(git, me, "experiment");
            git.tag().setName("tried-once").setAnnotated(false).setObjectId(experiment).call();
            git.checkout().setName("main").call();
            git.branchDelete().setBranchNames("experiment").setForce(true).call();

            write(directory, "CHANGELOG", "third\n");
            commit(git, me, "third");
        }
        return directory;
    }

    /** Every ref under refs/ with the object it points to. */
    public static Map<String, String> refs(Path repository) throws IOException {
        try (Git git = Git.open(repository.toFile())) {
            Map<String, String> refs = new TreeMap<>();
            for (Ref ref : git.getRepository().getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
                if (!ref.getName().startsWith(Constants.R_REMOTES)) {
                    refs.put(ref.getName(), ref.getObjectId().name());
                }
            }
            return refs;
        }
    }

    private static RevCommit commit(Git git, PersonIdent me, String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor(me).setCommitter(me).call();
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
