package io.herald.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where a local installation keeps the secrets Herald generated (admin token, admin password, the
 * demo app's key) besides printing them once: {@code herald.security.secrets-file}, which
 * {@code ops/run} sets to {@code <data dir>/secrets.properties} when it runs its own database. The
 * file is readable by its owner only (0600). Unset (a server against your own database), nothing
 * is written and generated secrets are only printed.
 */
@Component
public class GeneratedSecrets {

    private static final Logger log = LoggerFactory.getLogger(GeneratedSecrets.class);
    private static final String HEADER = "# Secrets Herald generated for this local installation; readable only by you."
            + " Delete a line once you have stored it elsewhere.";

    private final Path file;

    GeneratedSecrets(HeraldSecurityProperties props) {
        this.file = props.secretsFile() == null || props.secretsFile().isBlank() ? null : Path.of(props.secretsFile()).toAbsolutePath();
    }

    /** The file when it exists. */
    public Optional<Path> file() {
        return file != null && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Keeps {@code name=value}, replacing an earlier line of that name. Never throws: the secret was printed anyway. */
    public synchronized void keep(String name, String value) {
        rewrite(name, name + "=" + value);
    }

    /** Replaces the line of {@code name} by a comment (the secret is no longer valid). */
    public synchronized void forget(String name, String why) {
        if (file().isPresent()) {
            rewrite(name, "# " + name + ": " + why);
        }
    }

    private void rewrite(String name, String line) {
        if (file == null) {
            return;
        }
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!l.startsWith(name + "=") && !l.startsWith("# " + name + ":")) {
                        lines.add(l);
                    }
                }
            } else {
                lines.add(HEADER);
            }
            lines.add(line);
            Files.createDirectories(file.getParent());
            if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            log.warn("Could not keep the generated {} in {}: {} (it was printed above)", name, file, e.toString());
        } catch (UncheckedIOException e) {
            log.warn("Could not keep the generated {} in {}: {} (it was printed above)", name, file, e.toString());
        }
    }
}
