package uk.rxledger.projection;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.ArrayList;
import java.util.List;

/**
 * Flushes the read-model writes buffered during an event processor's batch after the batch's last event is handled.
 * <p>
 * Axon's pooled processor stores its token in a prepare-commit callback registered before the batch runs, so flushing
 * at prepare-commit would write the read model after the token, and a crash in between would lose those changes.
 * Interceptors run for every event of the batch, whether or not a handler takes it, so the last one flushes.
 */
public class ProjectionBatchInterceptor implements MessageHandlerInterceptor<EventMessage<?>> {

    private static final String FLUSHES = ProjectionBatchInterceptor.class.getName() + "/flushes";

    /** Runs {@code flush} once the batch of {@code root} has handled its last event (before its token is stored). */
    public static void register(UnitOfWork<?> root, Runnable flush) {
        root.<List<Runnable>>getOrComputeResource(FLUSHES, k -> new ArrayList<>()).add(flush);
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Object result = chain.proceed();
        UnitOfWork<?> root = unitOfWork.root();
        if (!(root instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage()) {
            List<Runnable> flushes = root.getResource(FLUSHES);
            if (flushes != null) {
                flushes.forEach(Runnable::run);
            }
        }
        return result;
    }
}
