package org.edm.api.monitoring;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs {@link OperationsGauges#refresh()} on its schedule. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class MonitoringConfiguration {
}
