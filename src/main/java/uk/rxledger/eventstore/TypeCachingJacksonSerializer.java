package uk.rxledger.eventstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Axon's Jackson serializer, remembering which class a serialized type name stands for and the reader of each class.
 * <p>
 * Axon resolves the payload class of every message it reads ({@code Class.forName} through Jackson's type factory):
 * 7-8% of a replaying processor's CPU in the replay benchmark's profile, for a handful of distinct names. It then asks
 * the mapper for a new reader of that class, for the payload and again for the metadata, which resolves the class's
 * Java type through the type factory's cache each time: another 12-15% of the thread that reads a rebuild's events.
 * Readers are immutable and thread-safe, and the mapper is not reconfigured after start.
 */
final class TypeCachingJacksonSerializer extends JacksonSerializer {

    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    private TypeCachingJacksonSerializer(Builder builder) {
        super(builder);
    }

    static TypeCachingJacksonSerializer using(ObjectMapper mapper) {
        return new TypeCachingJacksonSerializer(JacksonSerializer.builder().objectMapper(mapper));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
        // Only by name: the class does not depend on the revision (upcasters deal with revisions).
        return classes.computeIfAbsent(type.getName(), name -> super.classForType(type));
    }

    @Override
    protected ObjectReader getReader(Class<?> type) {
        return readers.computeIfAbsent(type, super::getReader);
    }
}
