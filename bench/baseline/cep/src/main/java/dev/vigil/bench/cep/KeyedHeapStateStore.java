package dev.vigil.bench.cep;

import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The keyed state Flink CEP's SharedBuffer needs (map states only), on the heap and scoped to a
 * current key, as a heap keyed state backend keeps it: objects, no serialization. A key's map is
 * dropped when it becomes empty, so finished keys leave nothing behind.
 */
final class KeyedHeapStateStore implements KeyedStateStore {
    private Object currentKey;

    void setCurrentKey(Object key) {
        currentKey = key;
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
        return new KeyedMapState<>();
    }

    private final class KeyedMapState<UK, UV> implements MapState<UK, UV> {
        private final HashMap<Object, HashMap<UK, UV>> byKey = new HashMap<>();

        private HashMap<UK, UV> current() {
            return byKey.get(currentKey);
        }

        private HashMap<UK, UV> currentOrNew() {
            return byKey.computeIfAbsent(currentKey, k -> new HashMap<>());
        }

        private void dropIfEmpty(HashMap<UK, UV> m) {
            if (m != null && m.isEmpty()) byKey.remove(currentKey);
        }

        @Override
        public UV get(UK key) {
            HashMap<UK, UV> m = current();
            return m == null ? null : m.get(key);
        }

        @Override
        public void put(UK key, UV value) {
            currentOrNew().put(key, value);
        }

        @Override
        public void putAll(Map<UK, UV> map) {
            if (!map.isEmpty()) currentOrNew().putAll(map);
        }

        @Override
        public void remove(UK key) {
            HashMap<UK, UV> m = current();
            if (m == null) return;
            m.remove(key);
            dropIfEmpty(m);
        }

        @Override
        public boolean contains(UK key) {
            HashMap<UK, UV> m = current();
            return m != null && m.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<UK, UV>> entries() {
            HashMap<UK, UV> m = current();
            return m == null ? Collections.emptyList() : () -> dropping(m, m.entrySet().iterator());
        }

        @Override
        public Iterable<UK> keys() {
            HashMap<UK, UV> m = current();
            return m == null ? Collections.emptyList() : () -> dropping(m, m.keySet().iterator());
        }

        @Override
        public Iterable<UV> values() {
            HashMap<UK, UV> m = current();
            return m == null ? Collections.emptyList() : () -> dropping(m, m.values().iterator());
        }

        @Override
        public Iterator<Map.Entry<UK, UV>> iterator() {
            HashMap<UK, UV> m = current();
            return m == null ? Collections.emptyIterator() : dropping(m, m.entrySet().iterator());
        }

        @Override
        public boolean isEmpty() {
            HashMap<UK, UV> m = current();
            return m == null || m.isEmpty();
        }

        @Override
        public void clear() {
            byKey.remove(currentKey);
        }

        /** An iterator whose remove() also drops the key's map once it is empty. */
        private <T> Iterator<T> dropping(HashMap<UK, UV> m, Iterator<T> it) {
            return new Iterator<T>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public T next() {
                    return it.next();
                }

                @Override
                public void remove() {
                    it.remove();
                    dropIfEmpty(m);
                }
            };
        }
    }

    // The shared buffer uses map states only.

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("value state");
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("list state");
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("reducing state");
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(
            AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
        throw new UnsupportedOperationException("aggregating state");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
            org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("state v2");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
            org.apache.flink.api.common.state.v2.ListStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("state v2");
    }

    @Override
    public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
            org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> descriptor) {
        throw new UnsupportedOperationException("state v2");
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
            org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> descriptor) {
        throw new UnsupportedOperationException("state v2");
    }

    @Override
    public <IN, ACC, OUT> org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
            org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
        throw new UnsupportedOperationException("state v2");
    }

    @Override
    public String getBackendTypeIdentifier() {
        return "vigil-bench-heap";
    }
}
