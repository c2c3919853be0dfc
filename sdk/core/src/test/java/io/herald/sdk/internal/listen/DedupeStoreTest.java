package io.herald.sdk.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DedupeStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void anIdHandledWithinTheWindowIsSeenAndOneOutsideItIsNot() {
        DedupeStore store = new DedupeStore(10, now::get);
        assertThat(store.seen("a", 1_000)).isFalse();

        store.handled("a", 1_000);
        now.addAndGet(999);
        assertThat(store.seen("a", 1_000)).isTrue();
        assertThat(store.seen("b", 1_000)).isFalse();

        now.addAndGet(1);
        assertThat(store.seen("a", 1_000)).isFalse();
        assertThat(store.size()).as("the expired id is forgotten").isZero();
    }

    @Test
    void keepsAtMostMaxIdsForgettingTheOldestFirst() {
        DedupeStore store = new DedupeStore(3, now::get);
        for (String id : new String[] {"a", "b", "c", "d"}) {
            store.handled(id, 60_000);
            now.incrementAndGet();
        }

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.seen("a", 60_000)).as("the oldest id went first").isFalse();
        assertThat(store.seen("b", 60_000)).isTrue();
        assertThat(store.seen("d", 60_000)).isTrue();
    }

    @Test
    void anIdHandledAgainAfterItsWindowStartsANewWindowAndMovesToTheEnd() {
        DedupeStore store = new DedupeStore(2, now::get);
        store.handled("a", 100);
        now.addAndGet(50);
        store.handled("b", 100);
        now.addAndGet(60);
        // a's window is over: handled again, it becomes the youngest
        assertThat(store.seen("a", 100)).isFalse();
        store.handled("a", 100);
        store.handled("c", 100);

        assertThat(store.seen("a", 100)).isTrue();
        assertThat(store.seen("c", 100)).isTrue();
        assertThat(store.seen("b", 100)).as("evicted as the oldest").isFalse();
    }

    @Test
    void aShorterWindowAppliedLiveShortensTheMemory() {
        DedupeStore store = new DedupeStore(10, now::get);
        store.handled("a", 60_000);
        now.addAndGet(5_000);

        assertThat(store.seen("a", 60_000)).isTrue();
        assertThat(store.seen("a", 1_000)).isFalse();
    }

    @Test
    void refusesAnEmptyBound() {
        assertThatThrownBy(() -> new DedupeStore(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
