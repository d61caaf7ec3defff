package org.edm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How the benchmarks start the api and the worker: with the JVM options they are deployed with. */
final class DeployedJvm {

    private DeployedJvm() {
    }

    /**
     * The JVM options of the api or worker as deployed: {@code <module>/jvm.options} (the file bin/edm-dev and the
     * Docker image read), then {@code EDM_BENCH_API_OPTS} / {@code EDM_BENCH_WORKER_OPTS} (later options win: to
     * try others), then a flight recording when {@code EDM_BENCH_JFR=1} (written when the JVM stops; read it with
     * {@code jfr print} / {@code jfr summary}). Printed, so a figure says what it was measured with.
     */
    static List<String> args(String module, Path work) {
        List<String> args = new ArrayList<>();
        Path options = Path.of("..", module, "jvm.options").toAbsolutePath().normalize();
        if (Files.exists(options)) {
            args.add("@" + options);
        }
        String extra = System.getenv("EDM_BENCH_" + module.toUpperCase(java.util.Locale.ROOT) + "_OPTS");
        if (extra != null && !extra.isBlank()) {
            args.addAll(List.of(extra.trim().split("\\s+")));
        }
        if ("1".equals(System.getenv("EDM_BENCH_JFR"))) {
            Path jfr = work.resolve(module + ".jfr");
            args.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        System.out.printf("%s JVM options: %s%n", module, String.join(" ", args));
        return args;
    }
}
