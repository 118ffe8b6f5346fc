package uk.rxledger.eventstore;

import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The name this instance claims processor segments under in the token store, and announces itself with to the
 * {@link SegmentBalancer}. Configured ({@code rxledger.node-id}, e.g. the container's host name) or else the JVM's
 * name plus a random suffix, so that two instances never share a name, even inside one JVM.
 */
public record NodeIdentity(String id) {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    public NodeIdentity {
        if (id == null || !SAFE.matcher(id).matches()) {
            throw new IllegalArgumentException("A node id is 1-100 letters, digits or . _ : @ -");
        }
    }

    public static NodeIdentity of(String configured) {
        if (configured != null && !configured.isBlank()) {
            return new NodeIdentity(configured.strip());
        }
        String jvm = ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9._:@-]", "_");
        return new NodeIdentity(jvm + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
