package io.lvs4j.benchmarks.director;

import io.lvs4j.Change;
import io.lvs4j.SyncDaemon;
import io.lvs4j.Timeouts;
import io.lvs4j.table.IpvsException;
import io.lvs4j.table.IpvsTable;
import io.lvs4j.table.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link IpvsTable} that passes everything to another one and counts what the director asks
 * of it: table dumps ({@link #serviceStates()}), batches and the change requests in them (one
 * kernel request per {@link Change}), and the other reads. Thread-safe counters; the changes of
 * the last batch are kept to show what a reload sent.
 */
public final class CountingTable implements IpvsTable {
    private final IpvsTable table;
    private final AtomicLong dumps = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong otherReads = new AtomicLong();
    private volatile List<Change> lastBatch = List.of();

    public CountingTable(IpvsTable table) {
        this.table = table;
    }

    /** The counts so far. */
    public Counts counts() {
        return new Counts(dumps.get(), batches.get(), changes.get(), otherReads.get());
    }

    /** The changes of the last batch sent. */
    public List<Change> lastBatch() {
        return lastBatch;
    }

    /** What was asked of the table: dumps, batches, change requests (one kernel request each), other reads. */
    public record Counts(long dumps, long batches, long changes, long otherReads) {
        /** What was asked since {@code before}. */
        public Counts minus(Counts before) {
            return new Counts(dumps - before.dumps, batches - before.batches, changes - before.changes,
                    otherReads - before.otherReads);
        }

        @Override
        public String toString() {
            return "dumps=" + dumps + " batches=" + batches + " changes=" + changes + " otherReads=" + otherReads;
        }
    }

    @Override
    public List<ServiceState> serviceStates() throws IpvsException {
        dumps.incrementAndGet();
        return table.serviceStates();
    }

    @Override
    public Timeouts timeouts() throws IpvsException {
        otherReads.incrementAndGet();
        return table.timeouts();
    }

    @Override
    public void apply(List<Change> batch) throws IpvsException {
        batches.incrementAndGet();
        changes.addAndGet(batch.size());
        lastBatch = List.copyOf(new ArrayList<>(batch));
        table.apply(batch);
    }

    @Override
    public List<SyncDaemon> daemons() throws IpvsException {
        otherReads.incrementAndGet();
        return table.daemons();
    }

    @Override
    public void startDaemon(SyncDaemon daemon) throws IpvsException {
        changes.incrementAndGet();
        table.startDaemon(daemon);
    }

    @Override
    public void stopDaemon(SyncDaemon.Role role) throws IpvsException {
        changes.incrementAndGet();
        table.stopDaemon(role);
    }

    @Override
    public void flush() throws IpvsException {
        changes.incrementAndGet();
        table.flush();
    }

    @Override
    public String toString() {
        return "counting " + table;
    }
}
