package uk.rxledger.eventstore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default (ADR 0002): mongo-java-server in-process on 127.0.0.1, spoken to over TCP by the ordinary
 * driver, so the application runs the same code against it as against a real replica set.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    public enum Backend { MEMORY, H2 }

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

    private final MongoServer server;
    private final InetSocketAddress address;

    private EmbeddedMongoServer(MongoBackend backend, int port) {
        this.server = new MongoServer(backend);
        if (port > 0) {
            server.bind("127.0.0.1", port);
        } else {
            server.bind("127.0.0.1", 0);
        }
        this.address = server.getLocalAddress();
    }

    /** Data in memory, gone when the server stops: tests and benchmarks. */
    public static EmbeddedMongoServer inMemory() {
        return new EmbeddedMongoServer(new MemoryBackend(), 0);
    }

    /** Data in an H2 MVStore file that survives restarts: local runs. */
    public static EmbeddedMongoServer onDisk(Path file, int port) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory for " + file, e);
        }
        log.info("Embedded MongoDB (mongo-java-server, H2 backend) storing data in {}", file.toAbsolutePath());
        return new EmbeddedMongoServer(new H2Backend(file.toString()), port);
    }

    public static EmbeddedMongoServer start(Backend backend, Path file, int port) {
        return backend == Backend.H2 ? onDisk(file, port) : new EmbeddedMongoServer(new MemoryBackend(), port);
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
