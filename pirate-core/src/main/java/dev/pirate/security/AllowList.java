package dev.pirate.security;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pirate.support.RateLimitedLog;

/**
 * The public keys a CURVE server lets in: keys given up front, and the public certificates in a
 * directory, read again when a file there is added, removed or changed. The directory is looked at
 * when a peer connects, at most every {@link #RESCAN_NANOS} ns, so a flood of handshakes cannot turn
 * into a flood of directory scans. Used by one thread, the ZAP handler's.
 */
final class AllowList {

    /** Shortest time between two looks at the directory. */
    static final long RESCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final Logger logger = LoggerFactory.getLogger(AllowList.class);

    private enum Trouble {
        BAD_FILE, DIRECTORY_UNREADABLE
    }

    private final RateLimitedLog<Trouble> troubleLog = new RateLimitedLog<>(logger, RateLimitedLog.Level.WARN,
            Trouble.class);

    private final boolean anyKey;

    private final Set<String> fixedKeys;

    private final Path directory;

    /** What the directory held when last read: file to size and modification time. */
    private Map<Path, String> fingerprint = Map.of();

    private Set<String> directoryKeys = Set.of();

    private long nextScanNanos;

    AllowList(boolean anyKey, Set<String> fixedKeys, Path directory) {
        this.anyKey = anyKey;
        this.fixedKeys = Set.copyOf(fixedKeys);
        this.directory = directory;
        if (directory != null) {
            rescan(System.nanoTime());
        }
    }

    /**
     * Tells whether a peer with this public key may connect.
     * @param publicKey the key in Z85
     * @param now the current {@link System#nanoTime()}
     * @return {@code true} to let it in
     */
    boolean allows(String publicKey, long now) {
        if (this.anyKey || this.fixedKeys.contains(publicKey)) {
            return true;
        }
        if (this.directory == null) {
            return false;
        }
        if (now - this.nextScanNanos >= 0) {
            rescan(now);
        }
        return this.directoryKeys.contains(publicKey);
    }

    private void rescan(long now) {
        this.nextScanNanos = now + RESCAN_NANOS;
        Map<Path, String> current = fingerprint();
        if (current.equals(this.fingerprint)) {
            return;
        }
        Set<String> keys = new HashSet<>();
        for (Path file : current.keySet()) {
            try {
                keys.add(CurveCertificate.load(file).publicKey());
            }
            catch (IllegalArgumentException ex) {
                this.troubleLog.log(Trouble.BAD_FILE, "Skipping {} in the authorized keys directory: {}", file,
                        ex.getMessage());
            }
        }
        this.fingerprint = current;
        this.directoryKeys = Set.copyOf(keys);
        logger.info("Authorized keys directory {} read: {} keys", this.directory, keys.size());
    }

    /** The regular files of the directory (not of its subdirectories), with their size and time. */
    private Map<Path, String> fingerprint() {
        Map<Path, String> files = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.directory)) {
            for (Path entry : entries) {
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                if (attributes.isRegularFile() && !entry.getFileName().toString().startsWith(".")) {
                    files.put(entry, attributes.size() + "@" + attributes.lastModifiedTime().toMillis());
                }
            }
        }
        catch (IOException ex) {
            // A directory that went away or cannot be read lets no key of it in any more.
            this.troubleLog.log(Trouble.DIRECTORY_UNREADABLE, "Authorized keys directory {} cannot be read: {}",
                    this.directory, ex.toString());
            return Map.of();
        }
        return files;
    }
}
