package org.edm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a process tree from {@code /proc} (Linux only): utime + stime of the process and of each live
 * descendant, plus cutime + cstime (descendants that have exited and been reaped, e.g. PostgreSQL backends of closed
 * connections). Read before and after a measured window; the difference is that tree's CPU in the window.
 */
final class ProcessCpu {

    /** USER_HZ: the unit of the stat fields; 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU seconds used so far by {@code root} and its descendants (0 when /proc cannot tell). */
    static double seconds(ProcessHandle root) {
        long ticks = ticks(root.pid(), true);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            ticks += descendants.mapToLong(p -> ticks(p.pid(), true)).sum();
        }
        return ticks / TICKS_PER_SECOND;
    }

    /** CPU seconds used by this JVM alone (its threads; children such as an embedded PostgreSQL not counted). */
    static double selfSeconds() {
        return ticks(ProcessHandle.current().pid(), false) / TICKS_PER_SECOND;
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

    private static long ticks(long pid, boolean withReapedChildren) {
        String[] f = fields(pid);
        if (f == null) {
            return 0;
        }
        // fields after "(comm)": [0]=state [1]=ppid ... [11]=utime [12]=stime [13]=cutime [14]=cstime
        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return withReapedChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
    }

    private static String[] fields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name may hold spaces and parentheses: the fields start after the last ')'
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
