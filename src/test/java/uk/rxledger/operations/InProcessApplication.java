package uk.rxledger.operations;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import uk.rxledger.RxLedgerApplication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Starts the application in this JVM as a test of its own, for tests that close it again before the suite ends. */
public final class InProcessApplication {

    /**
     * Boot's reactive HTTP client configuration creates a ReactorResourceFactory that, on close, disposes Reactor
     * Netty's global resources, which the cached contexts and WebSocket clients of other tests in this JVM still
     * use. The application needs no reactive HTTP client, so these contexts go without it.
     */
    private static final String NO_REACTIVE_CLIENT = "--spring.autoconfigure.exclude="
            + "org.springframework.boot.autoconfigure.http.client.reactive.ClientHttpConnectorAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.web.reactive.function.client.ClientHttpConnectorAutoConfiguration,"
            + "org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration";

    private InProcessApplication() {
    }

    /**
     * Starts the application with {@code profile} as the only active profile (overriding the test profile that the
     * build activates for every test), for tests of another profile's own settings, such as production's.
     */
    public static ConfigurableApplicationContext startProfile(String profile, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--spring.profiles.active=" + profile);
        all.add(NO_REACTIVE_CLIENT);
        return new SpringApplicationBuilder(RxLedgerApplication.class).run(all.toArray(String[]::new));
    }

    /** Command-line arguments, which override application.properties (builder properties would not). */
    static ConfigurableApplicationContext start(String... args) {
        return start(new Class<?>[0], args);
    }

    /** As {@link #start(String...)}, with configuration classes of the test's own beside the application's. */
    public static ConfigurableApplicationContext start(Class<?>[] testConfiguration, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add(NO_REACTIVE_CLIENT);
        all.add("--rxledger.population.on-empty-start=false");
        return new SpringApplicationBuilder(RxLedgerApplication.class).sources(testConfiguration).profiles("test")
                .run(all.toArray(String[]::new));
    }
}
