package org.edm.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the C2 compiler to the few methods that need it: {@code jit-directives.json} (on the class path) lets C2
 * compile only RSA signing (BigInteger, the RSA and SHA-2 classes) and leaves everything else to C1, as
 * {@code -XX:TieredStopAtLevel=1} did before for the whole worker.
 *
 * <p>Why: C2 compiling the worker's Spring, gRPC and Jakarta Mail code cost about half its CPU in a 20,000-mail
 * send (worker/jvm.options), but RSA without C2's BigInteger intrinsics is 5-12 times slower, and every API message
 * is DKIM-signed with a 2048-bit key: measured here, 2 ms per signature with C2 against 10-57 ms with C1 only, which
 * capped a C1-only worker far below 500 API mails/s. Added at start-up through the DiagnosticCommand MBean (the
 * {@code jcmd Compiler.directives_add} of the running JVM) rather than {@code -XX:CompilerDirectivesFile}, whose
 * relative path would depend on the directory the worker is started from and stops the JVM when it is wrong.
 * Without C2 in the JVM (e.g. {@code -XX:TieredStopAtLevel=1} given) the directives change nothing; if they cannot
 * be added the worker runs with the JVM's full tiered compilation (more compiling, nothing worse) and says so.
 * {@code -Dedm.worker.jit-directives=false} leaves the JVM's defaults.
 */
final class JitDirectives {

    private static final Logger log = LoggerFactory.getLogger(JitDirectives.class);
    static final String RESOURCE = "/jit-directives.json";

    private JitDirectives() {
    }

    /** True when the directives were added. */
    static boolean apply() {
        if ("false".equals(System.getProperty("edm.worker.jit-directives"))) {
            return false;
        }
        Path file = null;
        try (InputStream in = JitDirectives.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the class path");
            }
            // the command reads a file: a private copy of the resource, deleted once read
            file = Files.createTempFile("edm-jit-directives", ".json");
            Files.write(file, in.readAllBytes());
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[]{new String[]{file.toString()}}, new String[]{String[].class.getName()});
            String said = String.valueOf(answer).trim();
            if (!said.matches("(?s)\\d+ compiler directives? added.*")) {
                // e.g. "Could not load file" or a syntax error in the resource
                throw new IllegalStateException(said);
            }
            return true;
        } catch (Exception e) {
            log.warn("JIT directives not added, the JVM compiles with its defaults: {}", e.toString());
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file of a few hundred bytes
                }
            }
        }
    }
}
