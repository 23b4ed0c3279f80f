package dev.pgvault.backup;

import dev.pgvault.archive.UploadManifest;
import dev.pgvault.code.FetchedRepository;
import dev.pgvault.code.SourceTarball;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.run.Cancellation;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.BundleWriter;

/**
 * The weekly source-code backup: the repository is fetched once (every branch and tag), then
 * written twice under {@code code/}: the runbook's tarball of the default branch's HEAD
 * ({@code <name>-YYYY-MM-DD.tar.gz}) and a bundle of every ref with its history
 * ({@code <name>-YYYY-MM-DD.bundle}, which {@code git clone} reads). Nothing is fetched when both
 * are there already (a duplicate delivery); a fetch that fails stores nothing.
 */
public final class CodeBackupService {
    private final ArtifactWriter writer;

    public CodeBackupService(ArtifactWriter writer) {
        this.writer = writer;
    }

    public List<UploadOutcome> run(CodeBackupRequest request, Cancellation cancellation) {
        ArtifactKey.checkName(request.name());
        ArtifactKey tarball = ArtifactKey.create(ArtifactKey.Form.CODE_TARBALL, request.name(), writer.clock().instant(),
                request.encryptor().mode());
        ArtifactKey bundle = ArtifactKey.create(ArtifactKey.Form.CODE_BUNDLE, request.name(), writer.clock().instant(),
                request.encryptor().mode());
        if (writer.complete(tarball) && writer.complete(bundle)) {
            return List.of(writeOrFind(tarball, request, null, cancellation),
                    writeOrFind(bundle, request, null, cancellation));
        }
        cancellation.check();
        try (FetchedRepository fetched = FetchedRepository.fetch(request.source(), request.scratch())) {
            return List.of(writeOrFind(tarball, request, fetched, cancellation),
                    writeOrFind(bundle, request, fetched, cancellation));
        }
    }

    private UploadOutcome writeOrFind(ArtifactKey key, CodeBackupRequest request, FetchedRepository fetched,
                                      Cancellation cancellation) {
        return writer.write(key, request.owner(), request.encryptor(), request.compressionLevel(), out -> {
            if (key.form() == ArtifactKey.Form.CODE_TARBALL) {
                SourceTarball.write(fetched.repository(), ObjectId.fromString(fetched.head().objectId()), out);
            } else {
                writeBundle(fetched, out);
            }
            return new UploadManifest.Contents(request.source().url(), null, fetched.refs(), fetched.head(), List.of());
        }, cancellation);
    }

    private static void writeBundle(FetchedRepository fetched, java.io.OutputStream out) throws IOException {
        BundleWriter bundle = new BundleWriter(fetched.repository());
        for (Ref ref : fetched.allRefs()) {
            bundle.include(ref);
        }
        // HEAD names the default branch, so a clone of the bundle checks it out.
        bundle.include("HEAD", ObjectId.fromString(fetched.head().objectId()));
        bundle.writeBundle(NullProgressMonitor.INSTANCE, out);
    }
}
