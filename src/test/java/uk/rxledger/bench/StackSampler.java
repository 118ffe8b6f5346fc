package uk.rxledger.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A crude in-process sampling profiler: every few milliseconds it takes every thread's stack and counts, per group of
 * threads (callers, the "patients" processor, the embedded server, the rest), the samples in which each method is on
 * the stack (inclusive) and on top (self). Threads parked, waiting or sleeping are skipped; a runnable thread blocked
 * in a socket poll is counted as "socket wait" (waiting for the other side of a round trip), not as CPU.
 * It is safepoint-biased like any {@code getAllStackTraces} sampler, but good enough to tell where a phase goes.
 */
final class StackSampler implements AutoCloseable {

    private static final Set<String> IDLE_TOPS = Set.of(
            "sun.nio.ch.EPoll.wait", "sun.nio.ch.Net.poll", "sun.nio.ch.Net.accept",
            "sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.NioSocketImpl.park", "java.lang.Thread.sleep",
            "jdk.internal.misc.Unsafe.park", "java.lang.Object.wait",
            // surefire's reader of the forked JVM's stdin
            "java.io.FileInputStream.readBytes");
    private static final List<String> INTERESTING = List.of(
            "uk.rxledger.", "org.axonframework.", "com.mongodb.", "org.bson.", "de.bwaldvogel.", "com.fasterxml.",
            "java.security.MessageDigest", "sun.security.provider.", "io.netty.");

    private final Thread sampler;
    private final long intervalMillis;
    private volatile boolean running = true;
    private final Map<String, Integer> samples = new HashMap<>();
    private final Map<String, Integer> socketWait = new HashMap<>();
    private final Map<String, Map<String, Integer>> inclusive = new HashMap<>();
    private final Map<String, Map<String, Integer>> self = new HashMap<>();
    private final Map<String, Map<String, Integer>> firstOwn = new HashMap<>();
    private int ticks;

    StackSampler(long intervalMillis) {
        this.intervalMillis = intervalMillis;
        this.sampler = new Thread(this::run, "bench-stack-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
        synchronized (this) {
            ticks++;
            for (Map.Entry<Thread, StackTraceElement[]> entry : stacks.entrySet()) {
                Thread thread = entry.getKey();
                StackTraceElement[] stack = entry.getValue();
                if (thread == sampler || stack.length == 0 || thread.getState() != Thread.State.RUNNABLE) {
                    continue;
                }
                String group = group(thread.getName());
                if (group == null) {
                    continue;
                }
                String top = frame(stack[0]);
                if (IDLE_TOPS.contains(top)) {
                    // A server or processor thread polling for work is idle; a caller in a socket poll waits on a reply.
                    if (group.startsWith("callers")) {
                        socketWait.merge(group, 1, Integer::sum);
                        samples.merge(group, 1, Integer::sum);
                    }
                    continue;
                }
                samples.merge(group, 1, Integer::sum);
                self.computeIfAbsent(group, g -> new HashMap<>()).merge(top, 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                String own = null;
                for (StackTraceElement element : stack) {
                    String f = frame(element);
                    if (interesting(f)) {
                        if (own == null) {
                            // The JDK's own frames (a stack walk, a socket write) charged to the code that called them.
                            own = stack[0] == element ? f : f + " → " + shorten(top);
                        }
                        if (seen.add(f)) {
                            inclusive.computeIfAbsent(group, g -> new HashMap<>()).merge(f, 1, Integer::sum);
                        }
                    }
                }
                if (own != null) {
                    firstOwn.computeIfAbsent(group, g -> new HashMap<>()).merge(own, 1, Integer::sum);
                }
            }
        }
    }

    private static String group(String name) {
        if (name.equals("main") || name.startsWith("bench-cmd")) {
            return "callers (command threads)";
        }
        if (name.contains("[patients]")) {
            return "patients processor (coordinator + work packages)";
        }
        if (name.startsWith("mongo-server")) {
            return "mongo-java-server (netty workers)";
        }
        if (name.startsWith("bench-stack-sampler") || name.startsWith("Reference Handler") || name.startsWith("Finalizer")
                || name.startsWith("Signal Dispatcher") || name.startsWith("Common-Cleaner")) {
            return null;
        }
        return "other threads";
    }

    private static String frame(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName();
    }

    private static boolean interesting(String frame) {
        for (String prefix : INTERESTING) {
            if (frame.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join(1000);
    }

    /** A Markdown report: per thread group its busy samples and the top inclusive and self frames. */
    synchronized String report(String title, int topInclusive, int topSelf) {
        StringBuilder out = new StringBuilder();
        out.append("#### Profile: ").append(title).append(" (").append(ticks).append(" ticks every ~")
           .append(intervalMillis).append(" ms)\n\n");
        List<String> groups = new ArrayList<>(samples.keySet());
        groups.sort((a, b) -> Integer.compare(samples.get(b), samples.get(a)));
        for (String group : groups) {
            int total = samples.get(group);
            int waiting = socketWait.getOrDefault(group, 0);
            out.append(String.format(Locale.ROOT, "- **%s**: %d runnable samples (%.2f threads busy on average)%s%n",
                                     group, total, ticks == 0 ? 0.0 : (double) (total - waiting) / ticks,
                                     waiting > 0 ? String.format(Locale.ROOT,
                                             "; %d%% of them waiting on a socket reply", 100 * waiting / total) : ""));
            int busy = Math.max(1, total - waiting);
            out.append("  - inclusive (frames on under 90% of the stacks): ");
            Map<String, Integer> informative = new HashMap<>();
            inclusive.getOrDefault(group, Map.of()).forEach((frame, count) -> {
                if (count < 0.9 * busy && !frame.contains("$$Lambda") && !frame.contains(".lambda$")) {
                    informative.put(frame, count);
                }
            });
            out.append(top(informative, topInclusive, busy));
            out.append("\n  - self: ");
            out.append(top(self.getOrDefault(group, Map.of()), topSelf, busy));
            out.append("\n  - self, JDK frames charged to their caller: ");
            out.append(top(firstOwn.getOrDefault(group, Map.of()), topSelf, busy));
            out.append('\n');
        }
        return out.toString();
    }

    private static String top(Map<String, Integer> counts, int n, int total) {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue(), a.getValue())).limit(n)
              .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        List<String> parts = new ArrayList<>();
        ordered.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "`%s` %d%%", shorten(k), 100 * v / total)));
        return String.join(", ", parts);
    }

    private static String shorten(String frame) {
        if (frame.contains(" → ")) {
            String[] pair = frame.split(" → ", 2);
            return shorten(pair[0]) + " → " + pair[1];
        }
        String[] parts = frame.split("\\.");
        if (parts.length <= 3) {
            return frame;
        }
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }
}
