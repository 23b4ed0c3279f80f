package dev.pgvault.code;

import dev.pgvault.errors.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The Git repository to back up: any URL JGit takes (https, ssh-less file:// for tests and local
 * mirrors) and, for HTTPS, a token sent as the password of {@code username} (GitHub takes
 * {@code x-access-token}, GitLab {@code oauth2}). The token never appears in {@link #toString()},
 * in messages or in manifests; a URL with credentials inside it is refused.
 */
public final class GitSource {
    private final String url;
    private final String username;
    private final char[] token;

    public GitSource(String url, String username, char[] token) {
        this.url = checked(url);
        this.username = username == null || username.isBlank() ? "x-access-token" : username;
        this.token = token == null || token.length == 0 ? null : token.clone();
    }

    private static String checked(String url) {
        if (url == null || url.isBlank()) {
            throw new ConfigurationException("the Git repository URL is empty");
        }
        String text = url.strip();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("file")) {
                throw new ConfigurationException("Git repository URL scheme '" + scheme + "' is not supported;"
                        + " give an https:// URL (or file:// for a local repository)");
            }
            if (uri.getUserInfo() != null) {
                throw new ConfigurationException("the Git repository URL holds credentials; give the URL without"
                        + " them and the token separately (a secret, or --token-file)");
            }
        } catch (URISyntaxException e) {
            throw new ConfigurationException("the Git repository URL is not a URL (" + e.getReason() + ")");
        }
        return text;
    }

    public String url() {
        return url;
    }

    /** The last path segment without ".git" ("auth-service" for .../acme/auth-service.git), in key form. */
    public String defaultName() {
        String path = URI.create(url).getPath();
        String last = path.replaceAll("/+$", "");
        last = last.substring(last.lastIndexOf('/') + 1).replaceAll("\\.git$", "");
        return last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    }

    CredentialsProvider credentials() {
        return token == null ? null : new UsernamePasswordCredentialsProvider(username, token);
    }

    /** Removes the token from a message that might quote it (a server echoing a request, say). */
    String scrub(String message) {
        if (message == null) {
            return "";
        }
        return token == null ? message : message.replace(new String(token), "[token]");
    }

    @Override
    public String toString() {
        return url;
    }
}
