package io.herald.sdk.internal.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.wire.ConfigSnapshot;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last snapshot on local disk, so that a start without the control plane still knows the catalog. */
public final class SnapshotCache {

    private static final Logger log = LoggerFactory.getLogger(SnapshotCache.class);

    private final Path file;
    private final ObjectMapper mapper;

    /** @param dir {@code null} or empty for no cache */
    public SnapshotCache(String dir, String app, ObjectMapper mapper) {
        this.file = dir == null || dir.isBlank() ? null : Path.of(dir).resolve(app + "-config.json");
        this.mapper = mapper;
    }

    public ConfigSnapshot load() {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return mapper.readValue(file.toFile(), ConfigSnapshot.class);
        } catch (IOException e) {
            log.warn("Ignoring unreadable config cache {}: {}", file, e.toString());
            return null;
        }
    }

    public void store(ConfigSnapshot snapshot) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            mapper.writeValue(tmp.toFile(), snapshot);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("Cannot write config cache {}: {}", file, e.toString());
        }
    }

    public Path file() {
        return file;
    }
}
