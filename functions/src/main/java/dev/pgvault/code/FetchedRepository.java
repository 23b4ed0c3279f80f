package dev.pgvault.code;

import dev.pgvault.archive.UploadManifest;
import dev.pgvault.errors.SourceUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * A bare copy of the source repository's branches and tags, fetched with JGit into a temporary
 * directory (deleted on close), with the default branch the server advertises as HEAD.
 */
public final class FetchedRepository implements AutoCloseable {
    private final Path directory;
    private final Git git;
    private final List<UploadManifest.GitRef> refs;
    private final UploadManifest.GitRef head;

    private FetchedRepository(Path directory, Git git, List<UploadManifest.GitRef> refs, UploadManifest.GitRef head) {
        this.directory = directory;
        this.git = git;
        this.refs = refs;
        this.head = head;
    }

    /** Fetches every branch and tag of {@code source} under {@code scratch}; one clear error when it cannot. */
    public static FetchedRepository fetch(GitSource source, Path scratch) {
        Path directory;
        try {
            directory = Files.createTempDirectory(scratch, "pgvault-git-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a scratch directory under " + scratch, e);
        }
        Git git = null;
        try {
            git = Git.init().setBare(true).setDirectory(directory.toFile()).call();
            FetchCommand fetch = git.fetch().setRemote(source.url())
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                    .setTagOpt(TagOpt.NO_TAGS);
            if (source.credentials() != null) {
                fetch.setCredentialsProvider(source.credentials());
            }
            FetchResult result = fetch.call();
            Repository repository = git.getRepository();
            List<UploadManifest.GitRef> refs = new ArrayList<>();
            for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
                refs.add(new UploadManifest.GitRef(ref.getName(), ref.getObjectId().name()));
            }
            refs.sort(Comparator.comparing(UploadManifest.GitRef::name));
            if (refs.stream().noneMatch(r -> r.name().startsWith(Constants.R_HEADS))) {
                throw new SourceUnavailableException("the Git repository " + source.url() + " has no branch: nothing"
                        + " to back up");
            }
            String defaultBranch = defaultBranch(result.getAdvertisedRef(Constants.HEAD), refs);
            repository.getRefDatabase().newUpdate(Constants.HEAD, false).link(defaultBranch);
            ObjectId headId = repository.resolve(defaultBranch);
            return new FetchedRepository(directory, git, List.copyOf(refs),
                    new UploadManifest.GitRef(defaultBranch, headId.name()));
        } catch (GitAPIException | IOException | RuntimeException e) {
            if (git != null) {
                git.close();
            }
            ScratchDirectory.delete(directory);
            if (e instanceof SourceUnavailableException known) {
                throw known;
            }
            throw new SourceUnavailableException("could not fetch the Git repository " + source.url() + ": "
                    + source.scrub(reason(e)) + "; nothing was stored");
        }
    }

    /** HEAD's target as advertised; else the branch HEAD points at, main or master first; else the first. */
    private static String defaultBranch(Ref advertisedHead, List<UploadManifest.GitRef> refs) {
        if (advertisedHead != null && advertisedHead.isSymbolic()) {
            return advertisedHead.getTarget().getName();
        }
        List<String> branches = refs.stream().map(UploadManifest.GitRef::name)
                .filter(n -> n.startsWith(Constants.R_HEADS)).toList();
        if (advertisedHead != null && advertisedHead.getObjectId() != null) {
            String id = advertisedHead.getObjectId().name();
            List<String> pointing = refs.stream().filter(r -> r.objectId().equals(id)).map(UploadManifest.GitRef::name)
                    .filter(branches::contains).toList();
            for (String preferred : List.of("refs/heads/main", "refs/heads/master")) {
                if (pointing.contains(preferred)) {
                    return preferred;
                }
            }
            if (!pointing.isEmpty()) {
                return pointing.get(0);
            }
        }
        for (String preferred : List.of("refs/heads/main", "refs/heads/master")) {
            if (branches.contains(preferred)) {
                return preferred;
            }
        }
        return branches.get(0);
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() != null && t.getCause().getMessage() != null
                && t.getMessage().contains(t.getCause().getMessage())) {
            t = t.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    public Repository repository() {
        return git.getRepository();
    }

    /** Every branch and tag with its object id, by name. */
    public List<UploadManifest.GitRef> refs() {
        return refs;
    }

    /** The default branch and its commit. */
    public UploadManifest.GitRef head() {
        return head;
    }

    public Collection<Ref> allRefs() throws IOException {
        return repository().getRefDatabase().getRefsByPrefix(Constants.R_REFS);
    }

    @Override
    public void close() {
        git.close();
        ScratchDirectory.delete(directory);
    }
}
