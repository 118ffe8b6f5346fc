package uk.rxledger.projection;

/**
 * A read model whose stored layout has a version: when the version its code writes differs from the one its stored
 * documents were written in, the read model is rebuilt from the events at start-up ({@code ReadModelLayouts}), so an
 * upgrade never reads documents of an older layout.
 */
public interface ReadModelLayout {

    /** The read model's name: its processing group. */
    String readModel();

    /** Its main collection: documents there without a recorded layout are of layout 1. */
    String collection();

    /** The version of the layout this code writes; raise it whenever stored documents change shape. */
    int layout();
}
