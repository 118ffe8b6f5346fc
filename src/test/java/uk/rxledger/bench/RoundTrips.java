package uk.rxledger.bench;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the driver's round trips by command and collection ({@code find events}, {@code insert events},
 * {@code findAndModify counters}, ...) with their client-side elapsed time, so a phase can be broken down into
 * round trips per operation and time spent waiting on the server. Always on: it costs a map lookup per round trip.
 */
final class RoundTrips implements CommandListener {

    static final RoundTrips INSTANCE = new RoundTrips();

    record Tally(long count, long nanos) {
    }

    private final Map<Integer, String> inFlight = new ConcurrentHashMap<>();
    private final Map<String, LongAdder[]> tallies = new ConcurrentHashMap<>();

    private RoundTrips() {
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        inFlight.put(event.getRequestId(), key(event.getCommandName(), event.getCommand()));
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        record(event.getRequestId(), event.getCommandName(), event.getElapsedTime(TimeUnit.NANOSECONDS));
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        record(event.getRequestId(), event.getCommandName(), event.getElapsedTime(TimeUnit.NANOSECONDS));
    }

    private void record(int requestId, String commandName, long nanos) {
        String key = inFlight.remove(requestId);
        LongAdder[] tally = tallies.computeIfAbsent(key == null ? commandName : key,
                                                    k -> new LongAdder[]{new LongAdder(), new LongAdder()});
        tally[0].increment();
        tally[1].add(nanos);
    }

    private static String key(String commandName, BsonDocument command) {
        try {
            BsonValue target = "getMore".equals(commandName) ? command.get("collection")
                                                             : command.get(commandName);
            return target != null && target.isString() ? commandName + " " + target.asString().getValue()
                                                       : commandName;
        } catch (RuntimeException e) {
            return commandName;
        }
    }

    Map<String, Tally> snapshot() {
        Map<String, Tally> result = new TreeMap<>();
        tallies.forEach((k, v) -> result.put(k, new Tally(v[0].sum(), v[1].sum())));
        return result;
    }

    /** The round trips made between two snapshots. */
    static Map<String, Tally> since(Map<String, Tally> before, Map<String, Tally> after) {
        Map<String, Tally> result = new TreeMap<>();
        after.forEach((k, v) -> {
            Tally b = before.getOrDefault(k, new Tally(0, 0));
            if (v.count() > b.count()) {
                result.put(k, new Tally(v.count() - b.count(), v.nanos() - b.nanos()));
            }
        });
        return result;
    }
}
