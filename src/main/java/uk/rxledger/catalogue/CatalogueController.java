package uk.rxledger.catalogue;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.Pagination;

/** The catalogue over GraphQL: product search for prescribing frontends. */
@Controller
public class CatalogueController {

    private static final int MAX_SEARCH = 200;

    private final Catalogue catalogue;

    public CatalogueController(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    @QueryMapping
    public Connection<Medicine> medicines(@Argument String search, @Argument Integer first, @Argument String after) {
        if (search.length() > MAX_SEARCH) {
            throw new BadRequest("search is longer than " + MAX_SEARCH + " characters");
        }
        return Pagination.page(catalogue.search(search), first, after);
    }

    @QueryMapping
    public Medicine medicine(@Argument String code) {
        return catalogue.find(code).orElse(null);
    }

    @SchemaMapping(typeName = "Medicine")
    public Medicine formularyAlternative(Medicine medicine) {
        return catalogue.formularyAlternative(medicine).orElse(null);
    }

    @Configuration(proxyBeanMethods = false)
    static class CatalogueConfiguration {
        /** Reference data shipped with the application, loaded and validated once at start. */
        @Bean
        Catalogue catalogue() {
            return Catalogue.loadDefault();
        }
    }
}
