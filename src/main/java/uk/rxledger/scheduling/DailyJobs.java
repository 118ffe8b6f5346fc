package uk.rxledger.scheduling;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Date;

/**
 * Runs a scheduled job once a day across instances: every instance's scheduler fires, the first to insert the day's
 * record in {@code jobs} (a unique {@code _id}, so a key write on any MongoDB) runs it, the others stand down.
 */
@Component
public class DailyJobs {

    private final MongoCollection<Document> jobs;
    private final Clock clock;

    public DailyJobs(MongoDatabase database, Clock clock) {
        this.jobs = database.getCollection("jobs");
        this.clock = clock;
    }

    /** True for the one caller that claimed {@code job} on {@code day}, false for every other. */
    public boolean claim(String job, LocalDate day) {
        try {
            jobs.insertOne(new Document("_id", job + "/" + day).append("startedAt", Date.from(clock.instant())));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }
}
