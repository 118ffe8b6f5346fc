package uk.rxledger.eventstore;

import org.axonframework.common.caching.Cache;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedCacheTest {

    @Test
    void evictsTheLeastRecentlyUsedEntryBeyondItsCapacity() {
        BoundedCache cache = new BoundedCache(2);
        List<String> expired = new ArrayList<>();
        cache.registerCacheEntryListener(new Cache.EntryListenerAdapter() {
            @Override
            public void onEntryExpired(Object key) {
                expired.add((String) key);
            }
        });
        cache.put("P1", "a");
        cache.put("P2", "b");
        assertThat((String) cache.get("P1")).isEqualTo("a"); // P1 now the most recently used
        cache.put("P3", "c");

        assertThat(expired).containsExactly("P2");
        assertThat(cache.containsKey("P2")).isFalse();
        assertThat((String) cache.get("P1")).isEqualTo("a");
        assertThat((String) cache.get("P3")).isEqualTo("c");
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void keepsEntriesByStrongReferenceAcrossGarbageCollections() {
        BoundedCache cache = new BoundedCache(10);
        cache.put("P1", new StringBuilder("aggregate"));
        System.gc();
        assertThat(cache.<String, StringBuilder>get("P1")).hasToString("aggregate");
    }

    @Test
    void putIfAbsentComputeIfPresentAndRemove() {
        BoundedCache cache = new BoundedCache(10);
        assertThat(cache.putIfAbsent("P1", 1)).isTrue();
        assertThat(cache.putIfAbsent("P1", 2)).isFalse();
        assertThat((Integer) cache.get("P1")).isEqualTo(1);

        cache.<Integer>computeIfPresent("P1", v -> v + 1);
        cache.<Integer>computeIfPresent("absent", v -> 99);
        assertThat((Integer) cache.get("P1")).isEqualTo(2);
        assertThat(cache.containsKey("absent")).isFalse();

        cache.<Integer>computeIfPresent("P1", v -> null);
        assertThat(cache.containsKey("P1")).isFalse();

        cache.put("P2", 3);
        assertThat(cache.remove("P2")).isTrue();
        assertThat(cache.remove("P2")).isFalse();
        cache.put("P3", 4);
        cache.removeAll();
        assertThat(cache.size()).isZero();
        assertThatThrownBy(() -> cache.put("P4", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
