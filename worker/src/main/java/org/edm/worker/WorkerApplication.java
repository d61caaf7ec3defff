package org.edm.worker;

import org.eclipse.angus.mail.util.MailStreamProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication(scanBasePackages = {"org.edm.worker", "org.edm.activities", "org.edm.domain"})
public class WorkerApplication {

    /** Read by Jakarta Mail's {@code FactoryFinder} before it falls back to a {@code ServiceLoader} scan. */
    static final String STREAM_PROVIDER_PROPERTY = "jakarta.mail.util.StreamProvider";

    public static void main(String[] args) {
        nameMailStreamProvider();
        JitDirectives.apply();
        SpringApplication.run(WorkerApplication.class, args);
    }

    /**
     * Jakarta Mail 2.1 looks up its {@code StreamProvider} on every message it writes (twice: in
     * {@code MimeBodyPart.writeTo} and {@code MimeUtility.encode}), with a {@code ServiceLoader} scan of the class
     * path unless this property names the implementation. In this packaged jar that scan opens the nested jars'
     * {@code META-INF/services} entries each time: a profile of the delivery benchmark found about a fifth of the
     * send threads' CPU there. Naming Angus Mail's provider (the only one on the class path) turns the lookup into
     * a {@code Class.forName}. Set before any thread starts, so every thread (all of them have this jar's class
     * loader as context loader) sees the same value; an explicit -D setting wins.
     */
    static void nameMailStreamProvider() {
        if (System.getProperty(STREAM_PROVIDER_PROPERTY) == null) {
            System.setProperty(STREAM_PROVIDER_PROPERTY, MailStreamProvider.class.getName());
        }
    }
}
