package uk.rxledger.projection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.bson.Document;
import org.bson.codecs.pojo.annotations.BsonIgnore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.rxledger.support.EmbeddedMongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A list of a projected document stored apart, one document per element (ADR 0014), on the embedded server: the
 * document reads back whole and in order, a batch writes only the elements that changed, and an element written ahead
 * of its document by an interrupted flush does not take the events it already reflects twice.
 */
class DocumentPartsTest {

    public static class Basket extends ProjectedDocument {
        public String shop;
        @BsonIgnore
        public List<Item> items = new ArrayList<>();

        Item item(String key) {
            return items.stream().filter(i -> i.key.equals(key)).findFirst().orElseThrow();
        }
    }

    public static class Item {
        public String key;
        public int quantity;

        static Item of(String key, int quantity) {
            Item item = new Item();
            item.key = key;
            item.quantity = quantity;
            return item;
        }
    }

    /** An event "a+5; needs a" needs item a; one without "needs" needs every item. */
    static java.util.Collection<String> needs(Object payload) {
        String text = (String) payload;
        int at = text.indexOf("needs ");
        return at < 0 ? null : java.util.Arrays.stream(text.substring(at + 6).split(",")).filter(k -> !k.isEmpty())
                                               .toList();
    }

    /** An event of a basket and what it does to the basket. */
    record Change(String id, long sequence, String payload, java.util.function.Consumer<Basket> change) {
    }

    /** Handles the changes as one processor batch, each as its own event message. */
    static void batch(DocumentProjection<Basket> projection, Change... changes) {
        Map<String, Change> byMessage = new java.util.HashMap<>();
        List<GenericDomainEventMessage<String>> messages = new ArrayList<>();
        for (Change change : changes) {
            var message = new GenericDomainEventMessage<>("basket", change.id(), change.sequence(), change.payload());
            byMessage.put(message.getIdentifier(), change);
            messages.add(message);
        }
        new BatchingUnitOfWork<>(messages).executeWithResult(() -> {
            Change change = byMessage.get(CurrentUnitOfWork.get().getMessage().getIdentifier());
            projection.update(change.id(), change.sequence(), change.change());
            return null;
        });
    }

    MongoDatabase database;
    DocumentProjection<Basket> baskets;
    MongoCollection<Document> headers, items;

    @BeforeEach
    void setUp() {
        database = EmbeddedMongo.freshDatabase("documentparts");
        baskets = new DocumentProjection<>(database, "baskets", Basket.class, new ProjectionProgress(),
                new DocumentParts<>(database, "basket-items", Item.class, b -> b.items, i -> i.key, DocumentPartsTest::needs));
        headers = database.getCollection("baskets");
        items = database.getCollection("basket-items");
    }

    private void create(String id, String... keys) {
        baskets.create(id, 0, () -> {
            Basket basket = new Basket();
            basket.shop = "S1";
            for (String key : keys) {
                basket.items.add(Item.of(key, 1));
            }
            return basket;
        });
    }

    @Test
    void elementsAreStoredApartAndReadBackInOrder() {
        create("b1", "z", "a", "m");

        Document header = headers.find(Filters.eq("_id", "b1")).first();
        assertThat(header).doesNotContainKey("items");
        assertThat(header.getList("parts", String.class)).containsExactly("z", "a", "m");
        Document stored = items.find(Filters.eq("_id", "b1/a")).first();
        assertThat(stored.getString("owner")).isEqualTo("b1");
        assertThat(stored.getLong("lastSeq")).isZero();
        assertThat(stored.get("part", Document.class).getInteger("quantity")).isEqualTo(1);

        Basket read = baskets.find("b1").orElseThrow();
        assertThat(read.items).extracting(i -> i.key).containsExactly("z", "a", "m");
        assertThat(read.lastSeq).isZero();
        assertThat(baskets.findAll(List.of("b1", "nobody"))).singleElement()
                .satisfies(b -> assertThat(b.items).extracting(i -> i.key).containsExactly("z", "a", "m"));
    }

    @Test
    void aBatchWritesOnlyTheElementsThatChanged() {
        create("b1", "a", "b");
        create("b2", "a");
        List<String> writes = new ArrayList<>();
        List<String> itemReads = new ArrayList<>();
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                // Copied here: the driver reuses the command's buffer after the callback.
                var command = event.getCommand();
                switch (event.getCommandName()) {
                    case "update" -> command.getArray("updates").forEach(u -> writes.add(
                            "replace " + u.asDocument().getDocument("q").getString("_id").getValue()));
                    case "insert" -> command.getArray("documents").forEach(d -> writes.add(
                            "insert " + d.asDocument().getString("_id").getValue()));
                    case "find" -> {
                        if (command.getString("find").getValue().equals("basket-items")) {
                            command.getDocument("filter").getDocument("_id").getArray("$in")
                                   .forEach(k -> itemReads.add(k.asString().getValue()));
                        }
                    }
                    default -> {
                    }
                }
            }
        };
        MongoClient client = EmbeddedMongo.listenedClient(listener);
        MongoDatabase listenedDatabase = client.getDatabase("documentparts");
        DocumentProjection<Basket> listened = new DocumentProjection<>(listenedDatabase, "baskets", Basket.class,
                new ProjectionProgress(), new DocumentParts<>(listenedDatabase, "basket-items", Item.class,
                                                              b -> b.items, i -> i.key, DocumentPartsTest::needs));

        batch(listened, new Change("b1", 1, "b=7; needs b", b -> b.item("b").quantity = 7),
              new Change("b2", 1, "add c; needs ", b -> b.items.add(Item.of("c", 2))));

        client.close();
        // only the item an event needs is read; the changed one and the new one are written, and the two documents
        assertThat(itemReads).containsExactly("b1/b");
        assertThat(writes).containsExactlyInAnyOrder("replace b1/b", "insert b2/c", "replace b1", "replace b2");
        assertThat(items.find(Filters.eq("_id", "b1/a")).first().getLong("lastSeq")).isZero();
        assertThat(items.find(Filters.eq("_id", "b1/b")).first().getLong("lastSeq")).isEqualTo(1);
        Basket b2 = baskets.find("b2").orElseThrow();
        assertThat(b2.items).extracting(i -> i.key + "=" + i.quantity).containsExactly("a=1", "c=2");
    }

    @Test
    void anElementWrittenAheadOfItsDocumentTakesNoEventTwice() {
        create("b1", "a", "b");
        // A flush of events 1-2 stored its elements and then stopped before the document: "a" took +5 (event 1) and
        // +10 (event 2), and event 2 added "c", which the document does not list yet.
        items.replaceOne(Filters.eq("_id", "b1/a"), new Document("_id", "b1/a").append("owner", "b1")
                .append("lastSeq", 2L).append("part", new Document("key", "a").append("quantity", 16)));
        items.insertOne(new Document("_id", "b1/c").append("owner", "b1").append("lastSeq", 2L)
                .append("part", new Document("key", "c").append("quantity", 3)));

        // Redelivered after the crash, then one new event.
        batch(baskets, new Change("b1", 1, "a+5; needs a", b -> b.item("a").quantity += 5),
              new Change("b1", 2, "a+10, add c; needs a", b -> {
                  b.item("a").quantity += 10;
                  b.items.add(Item.of("c", 3));
              }),
              new Change("b1", 3, "a+100, b+1; needs a,b", b -> {
                  b.item("a").quantity += 100;
                  b.item("b").quantity += 1;
              }));

        Basket basket = baskets.find("b1").orElseThrow();
        assertThat(basket.items).extracting(i -> i.key + "=" + i.quantity).containsExactly("a=116", "b=2", "c=3");
        assertThat(basket.lastSeq).isEqualTo(3);
        assertThat(items.find().sort(Sorts.ascending("_id")).map(d -> d.getString("_id") + "@" + d.getLong("lastSeq"))
                        .into(new ArrayList<>())).containsExactly("b1/a@3", "b1/b@3", "b1/c@3");
        // "c" was not listed, so it was built again from its events; its insert found it stored and replaced it
    }

    @Test
    void replayingAppliedEventsChangesNothing() {
        create("b1", "a");
        baskets.update("b1", 1, b -> b.item("a").quantity += 5);
        List<Document> before = everything();

        baskets.create("b1", 0, Basket::new);
        baskets.update("b1", 1, b -> b.item("a").quantity += 5);

        assertThat(everything()).isEqualTo(before);
        assertThat(baskets.find("b1").orElseThrow().item("a").quantity).isEqualTo(6);
    }

    @Test
    void aMissingElementIsReportedNotDropped() {
        create("b1", "a", "b");
        items.deleteOne(Filters.eq("_id", "b1/b"));

        assertThatThrownBy(() -> baskets.find("b1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lacks element b");
        assertThatThrownBy(() -> baskets.update("b1", 1, b -> b.item("a").quantity++))
                .isInstanceOf(IllegalStateException.class);
        assertThat(headers.find(Filters.eq("_id", "b1")).first().getLong("lastSeq")).isZero();
    }

    @Test
    void deleteAllDropsTheElementsToo() {
        create("b1", "a");
        baskets.deleteAll();
        assertThat(headers.countDocuments()).isZero();
        assertThat(items.countDocuments()).isZero();
    }

    private List<Document> everything() {
        List<Document> all = new ArrayList<>();
        for (MongoCollection<Document> collection : List.of(headers, items)) {
            collection.find().sort(Sorts.ascending("_id")).into(all);
        }
        return all;
    }
}
