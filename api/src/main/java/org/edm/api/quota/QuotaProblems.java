package org.edm.api.quota;

import org.edm.domain.quota.QuotaShortfallException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Not enough quota for what was asked (activating a campaign, adding or re-planning a task, retrying failed
 * deliveries): 409 with how much is needed, the balance and what is missing, in the detail and as properties.
 * Ordered first so the api's catch-all handler never turns it into a 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class QuotaProblems {

    @ExceptionHandler(QuotaShortfallException.class)
    ProblemDetail shortfall(QuotaShortfallException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Not enough quota");
        problem.setProperty("needed", e.needed());
        problem.setProperty("balance", e.balance());
        problem.setProperty("missing", e.missing());
        return problem;
    }
}
