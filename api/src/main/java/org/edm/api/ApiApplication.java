package org.edm.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

/** The REST api process: validates, writes intent to PostgreSQL, starts and signals workflows. Never a worker. */
// no generated in-memory user: users sign in with the bearer tokens of org.edm.api.security
@SpringBootApplication(scanBasePackages = {"org.edm.api", "org.edm.domain"},
        exclude = UserDetailsServiceAutoConfiguration.class)
@EntityScan("org.edm.domain")
@EnableJpaRepositories("org.edm.domain")
@EnableConfigurationProperties({EdmApiProperties.class, org.edm.api.template.TemplateLimits.class})
public class ApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(ApiApplication.class, args);
    }
}
