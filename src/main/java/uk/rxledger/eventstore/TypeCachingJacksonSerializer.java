package uk.rxledger.eventstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Axon's Jackson serializer, remembering which class a serialized type name stands for.
 * <p>
 * Axon resolves the payload class of every message it reads ({@code Class.forName} through Jackson's type factory):
 * 7-8% of a replaying processor's CPU in the replay benchmark's profile, for a handful of distinct names.
 */
final class TypeCachingJacksonSerializer extends JacksonSerializer {

    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

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
}
