package uk.rxledger.decisionsupport.rules;

import uk.rxledger.catalogue.Medicine;

import java.util.List;
import java.util.Objects;

/**
 * Which catalogue products a rule means: those of any of {@code classes} (catalogue {@code drug_class}) or any of
 * {@code chemicals} (9-character BNF chemical codes), minus {@code excludeChemicals}. Chemical codes let a rule name
 * one substance inside a class, e.g. aspirin ({@code 0209000A0}) among the antiplatelets.
 */
public record DrugSelector(List<String> classes, List<String> chemicals, List<String> excludeChemicals) {

    public DrugSelector {
        classes = classes == null ? List.of() : List.copyOf(classes);
        chemicals = chemicals == null ? List.of() : List.copyOf(chemicals);
        excludeChemicals = excludeChemicals == null ? List.of() : List.copyOf(excludeChemicals);
        if (classes.isEmpty() && chemicals.isEmpty()) {
            throw new IllegalArgumentException("a drug selector needs classes or chemicals");
        }
        for (String chemical : concat(chemicals, excludeChemicals)) {
            if (chemical == null || !chemical.matches("[0-9A-Z]{9}")) {
                throw new IllegalArgumentException("'" + chemical + "' is not a 9-character BNF chemical code");
            }
        }
    }

    public boolean matches(Medicine medicine) {
        Objects.requireNonNull(medicine, "medicine");
        return (classes.contains(medicine.drugClass()) || chemicals.contains(medicine.bnfChemicalCode()))
                && !excludeChemicals.contains(medicine.bnfChemicalCode());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
