package org.edm.worker;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

class JitDirectivesTests {

    @Test
    void letsC2CompileOnlyTheRsaSigningClasses() throws Exception {
        assertThat(JitDirectives.apply()).isTrue();
        try {
            String directives = dcmd("compilerDirectivesPrint");
            // first match wins: the crypto classes keep C2, every other method is C2-excluded (C1 only)
            int crypto = directives.indexOf("java/math/BigInteger.*");
            int rest = directives.indexOf("matching: *.*");
            assertThat(crypto).isNotNegative();
            assertThat(rest).isGreaterThan(crypto);
            assertThat(directives.substring(rest)).containsPattern("c2 directives:\\s+inline: -\\s+Enable:true "
                    + "Exclude:true");
        } finally {
            // other tests in this JVM compile as usual
            dcmd("compilerDirectivesRemove");
            dcmd("compilerDirectivesRemove");
        }
    }

    private static String dcmd(String operation) throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                new Object[]{new String[0]}, new String[]{String[].class.getName()}));
    }
}
