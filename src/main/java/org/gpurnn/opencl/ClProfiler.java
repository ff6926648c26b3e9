package org.gpurnn.opencl;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clWaitForEvents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * Opt-in per-kernel timing of a {@link ClBackend}: with {@value #PROPERTY}{@code =true} the backend's
 * queue is created with profiling enabled, every enqueued command gets an event, and the device
 * start/end times of those events are summed per label (the kernel name, plus the shape for matmuls).
 * Off by default; when off the backend holds no profiler and launches pass no event.
 *
 * <p>Events are resolved in batches once the queue has drained them (at every blocking call of the
 * backend, and by waiting when too many are pending), so profiling adds no synchronisation of its
 * own in between. The table is logged when the backend closes, and {@link ClBackend#profile()} returns
 * it for callers that print it themselves.
 */
public final class ClProfiler {

    /** System property that turns profiling on. */
    public static final String PROPERTY = "gpurnn.opencl.profile";

    /** Events kept unresolved at most; past this the profiler waits for them (a queue drain). */
    private static final int MAX_PENDING = 8192;

    /** One label's totals. */
    public record Row(String label, long count, double totalMs, double meanUs) {
    }

    private final List<String> pendingLabels = new ArrayList<>();
    private final List<cl_event> pendingEvents = new ArrayList<>();
    private final Map<String, long[]> totals = new HashMap<>();   // label -> {count, nanoseconds}

    /** Whether {@value #PROPERTY} asks for profiling. */
    public static boolean requested() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "false"));
    }

    /** A fresh event to pass to an enqueue call; hand it back through {@link #record}. */
    cl_event newEvent() {
        return new cl_event();
    }

    /** Keeps the event of one enqueued command under {@code label}. */
    void record(String label, cl_event event) {
        pendingLabels.add(label);
        pendingEvents.add(event);
        if (pendingEvents.size() >= MAX_PENDING) {
            resolve(true);
        }
    }

    /**
     * Adds the times of the pending events to the totals and releases them. With {@code wait} the
     * profiler first waits for them; without, the caller promises that the queue has drained.
     */
    void resolve(boolean wait) {
        if (pendingEvents.isEmpty()) {
            return;
        }
        cl_event[] events = pendingEvents.toArray(new cl_event[0]);
        try {
            if (wait) {
                clWaitForEvents(events.length, events);
            }
            long[] start = new long[1];
            long[] end = new long[1];
            for (int i = 0; i < events.length; i++) {
                clGetEventProfilingInfo(events[i], CL_PROFILING_COMMAND_START, Sizeof.cl_ulong,
                        Pointer.to(start), null);
                clGetEventProfilingInfo(events[i], CL_PROFILING_COMMAND_END, Sizeof.cl_ulong,
                        Pointer.to(end), null);
                long[] t = totals.computeIfAbsent(pendingLabels.get(i), k -> new long[2]);
                t[0]++;
                t[1] += Math.max(0, end[0] - start[0]);
            }
        } catch (CLException e) {
            throw new ClCallException("clGetEventProfilingInfo", e.getStatus(), e);
        } finally {
            for (cl_event e : events) {
                clReleaseEvent(e);
            }
            pendingEvents.clear();
            pendingLabels.clear();
        }
    }

    /** Forgets everything measured so far (e.g. after warm-up steps). */
    void reset() {
        resolve(true);
        totals.clear();
    }

    /** Totals per label, largest total first. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : totals.entrySet()) {
            long count = e.getValue()[0];
            long ns = e.getValue()[1];
            rows.add(new Row(e.getKey(), count, ns / 1e6, count == 0 ? 0 : ns / 1e3 / count));
        }
        rows.sort(Comparator.comparingDouble(Row::totalMs).reversed());
        return rows;
    }

    /** The totals as a table, one line per label plus a total line. */
    static String format(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        double all = rows.stream().mapToDouble(Row::totalMs).sum();
        long launches = rows.stream().mapToLong(Row::count).sum();
        sb.append(String.format(Locale.ROOT, "%-44s %9s %11s %10s %6s%n", "kernel", "count", "total ms", "mean us",
                "share"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-44s %9d %11.1f %10.1f %5.1f%%%n", r.label(), r.count(),
                    r.totalMs(), r.meanUs(), all > 0 ? 100 * r.totalMs() / all : 0));
        }
        sb.append(String.format(Locale.ROOT, "%-44s %9d %11.1f%n", "all commands", launches, all));
        return sb.toString();
    }
}
