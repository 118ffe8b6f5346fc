package uk.rxledger.catalogue;

/**
 * One generic medicinal product (a BNF presentation) from the reference catalogue.
 *
 * <p>Instances are created by {@link Catalogue#parse(java.io.Reader)}; look-ups (by code, search,
 * formulary alternative) live on {@link Catalogue}. See {@code /catalogue/README.md} for the
 * meaning, units and sources of every field.
 *
 * @param code                     15-character BNF presentation code of the generic product
 *                                 (NHSBSA / OpenPrescribing), e.g. {@code 0103050P0AAAAAA}
 * @param name                     product name as dm+d/BNF writes it, with a space between number and
 *                                 unit, e.g. {@code Omeprazole 20 mg gastro-resistant capsules}
 * @param strength                 strength as text, e.g. {@code 20 mg}, {@code 10 mg/5 ml},
 *                                 {@code 100 micrograms/dose}
 * @param strengthMg               milligrams per dispensing unit, or {@code null} where not meaningful
 *                                 (combination products, patches)
 * @param form                     pharmaceutical form, e.g. {@code gastro-resistant capsule}
 * @param unit                     dispensing unit quantities are counted in: tablet, capsule, ml, dose,
 *                                 patch or sachet
 * @param bnfChemicalCode          first 9 characters of {@code code} (BNF chemical substance)
 * @param drugClass                controlled-vocabulary class in UPPER_SNAKE case, e.g. {@code PPI}
 * @param acbScore                 anticholinergic burden score 0..3 on the ACBcalc scale (0 = not listed)
 * @param pricePerUnitPence        indicative NHS Drug Tariff (England) price per unit, in pence
 * @param formularyAlternativeCode code of a cheaper formulary-preferred equivalent in the same
 *                                 catalogue, or {@code null} if there is none
 */
public record Medicine(
        String code,
        String name,
        String strength,
        Double strengthMg,
        String form,
        String unit,
        String bnfChemicalCode,
        String drugClass,
        int acbScore,
        double pricePerUnitPence,
        String formularyAlternativeCode) {
}
