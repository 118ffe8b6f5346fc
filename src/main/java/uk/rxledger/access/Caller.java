package uk.rxledger.access;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The authenticated caller, from the token's claims: {@code sub}, {@code roles}, {@code practices} (ODS codes).
 * Unknown role names are ignored rather than rejected, so an issuer adding roles for other systems locks no one out.
 */
public record Caller(String id, Set<Role> roles, Set<String> practices) {

    public Caller {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("A caller needs a subject");
        }
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        practices = Set.copyOf(practices);
    }

    public static Caller of(String sub, Collection<String> roleNames, Collection<String> practiceCodes) {
        Set<Role> roles = roleNames == null ? Set.of() : roleNames.stream()
                .map(r -> r == null ? "" : r.strip().toUpperCase(Locale.ROOT))
                .filter(r -> java.util.Arrays.stream(Role.values()).anyMatch(v -> v.name().equals(r)))
                .map(Role::valueOf).collect(Collectors.toSet());
        Set<String> practices = practiceCodes == null ? Set.of() : practiceCodes.stream()
                .filter(p -> p != null && !p.isBlank()).map(Caller::practiceKey).collect(Collectors.toSet());
        return new Caller(sub, roles, practices);
    }

    /** Practice codes compare as the worklist stores them: stripped, upper case. */
    public static String practiceKey(String practice) {
        return practice == null ? null : practice.strip().toUpperCase(Locale.ROOT);
    }

    public boolean worksAt(String practice) {
        return practice != null && practices.contains(practiceKey(practice));
    }
}
