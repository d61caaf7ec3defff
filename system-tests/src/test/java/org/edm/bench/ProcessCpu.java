package org.edm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU seconds (user + system, from {@code /proc/<pid>/stat}) of the processes a benchmark starts, so a figure can
 * be split by who spent the CPU: a process counts with all its live descendants (the Temporal CLI is a launcher
 * with a child, PostgreSQL a postmaster with backends) plus what its reaped children used ({@code cutime},
 * {@code cstime}). The benchmark's own JVM is counted without its children (the embedded PostgreSQL is its child
 * and counted on its own) and split by thread name into named parts (e.g. the SMTP sink's threads). The whole
 * machine's busy time from {@code /proc/stat} shows what else ran meanwhile (other builds on a shared machine).
 */
final class ProcessCpu {

    private static final double TICKS = 100.0; // USER_HZ: `getconf CLK_TCK` is 100 on Linux

    private final Map<String, Long> roots = new LinkedHashMap<>();
    private final Map<String, Predicate<String>> ownThreads = new LinkedHashMap<>();

    /** A process (with its descendants) to count under {@code name}. */
    ProcessCpu process(String name, long pid) {
        roots.put(name, pid);
        return this;
    }

    /** Threads of this JVM whose name matches, counted as {@code name} (and not in "benchmark JVM, other"). */
    ProcessCpu threads(String name, Predicate<String> threadName) {
        ownThreads.put(name, threadName);
        return this;
    }

    /** CPU seconds so far, by name, plus "machine (all processes)". */
    Map<String, Double> snapshot() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        roots.forEach((name, pid) -> cpu.put(name, treeTicks(pid) / TICKS));
        Map<String, Long> byPart = new LinkedHashMap<>();
        ownThreads.keySet().forEach(k -> byPart.put(k, 0L));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long ownNanos = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos < 0) {
                continue;
            }
            for (var part : ownThreads.entrySet()) {
                if (part.getValue().test(info.getThreadName())) {
                    byPart.merge(part.getKey(), nanos, Long::sum);
                    ownNanos += nanos;
                    break;
                }
            }
        }
        double self = selfTicks() / TICKS;
        byPart.forEach((name, nanos) -> cpu.put(name, nanos / 1e9));
        // the rest of this JVM: JIT, GC, the JDK's own threads, and threads that ended (their time stays here)
        cpu.put("benchmark JVM, other", self - ownNanos / 1e9);
        cpu.put("machine (all processes)", machineBusyTicks() / TICKS);
        return cpu;
    }

    /**
     * Seconds the JIT compilations of a JVM of ours (e.g. the api) have taken so far (summed wall time, so on a
     * loaded machine more than their CPU) ({@code java.ci.totalTime} read with
     * {@code jcmd}), or -1 when it cannot be read: compilation still going on in a measured window means the window
     * measures start-up, not steady sending.
     */
    static double jitSeconds(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid), "PerfCounter.print").redirectErrorStream(true).start();
            long total = -1;
            long frequency = -1;
            for (String line : new String(jcmd.getInputStream().readAllBytes()).split("\n")) {
                if (line.startsWith("java.ci.totalTime=")) {
                    total = Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
                } else if (line.startsWith("sun.os.hrt.frequency=")) {
                    frequency = Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
                }
            }
            jcmd.waitFor();
            return total < 0 || frequency <= 0 ? -1 : total / (double) frequency;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** CPU seconds used so far by {@code root} and its descendants, reaped ones included (0 when /proc cannot tell). */
    static double seconds(ProcessHandle root) {
        return treeTicks(root.pid()) / TICKS;
    }

    /** CPU seconds used by this JVM alone (its threads; children such as an embedded PostgreSQL not counted). */
    static double selfSeconds() {
        return selfTicks() / TICKS;
    }

    /** VmHWM (peak resident set) of a process, in MB, or -1. */
    static long peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // not Linux, or the process has exited
        }
        return -1;
    }

    /**
     * CPU seconds so far of one process's live threads (from {@code /proc/<pid>/task/<tid>/stat}), grouped by thread
     * name with the numbers after '-' or '#' and at the end folded to N ("http-nio-N-exec-N"; "C2 CompilerThreadN"
     * stays apart from "C1 CompilerThreadN"): where inside a JVM the CPU went. Threads that ended are not counted.
     */
    static Map<String, Double> threadSeconds(long pid) {
        Map<String, Double> byName = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).trim()
                            .replaceAll("(?<=[-#])[0-9]+|[0-9]+$", "N");
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException | RuntimeException gone) {
            // not Linux, or the process has exited
        }
        return byName;
    }

    /**
     * Kernel (system) CPU seconds so far of one process, ended threads included ({@code stime}), or of the live
     * threads of it named {@code threadName} when that is not null: how much of a process's CPU went to syscalls and
     * the scheduler rather than to its own code.
     */
    static double systemSeconds(long pid, String threadName) {
        if (threadName == null) {
            return stime(Path.of("/proc", String.valueOf(pid))) / TICKS;
        }
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(threadName)) {
                        sum += stime(task);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException gone) {
            // not Linux, or the process has exited
        }
        return sum / TICKS;
    }

    private static long stime(Path procEntry) {
        try {
            String stat = Files.readString(procEntry.resolve("stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** after - before, per name. */
    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0.0)));
        return d;
    }

    private static long treeTicks(long pid) {
        long sum = ticks(pid, true);
        try (Stream<ProcessHandle> descendants = ProcessHandle.of(pid).map(ProcessHandle::descendants)
                .orElse(Stream.empty())) {
            sum += descendants.mapToLong(p -> ticks(p.pid(), true)).sum();
        }
        return sum;
    }

    private static long selfTicks() {
        return ticks(ProcessHandle.current().pid(), false);
    }

    /** utime + stime (+ cutime + cstime) of one process; 0 when it is gone. */
    private static long ticks(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withReapedChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** Busy ticks of all CPUs (user, nice, system, irq, softirq, steal) since boot. */
    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
