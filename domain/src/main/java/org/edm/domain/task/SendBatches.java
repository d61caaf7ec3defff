package org.edm.domain.task;

/**
 * Which deliveries were sent by a service or for a task, without a row per mail besides the delivery itself
 * (issue 12, V155). No index of deliveries may read an outcome column (the outcome stays a HOT update, see
 * {@link PendingQueue}), so "SENT since" cannot be an index of deliveries; and a send event per mail cost the send
 * lanes' statement a heap row and its index entries per mail. Every SENT delivery has a claim token, and a claim is
 * one batch of one task through one service: {@code send_batches} holds one row per claim, inserted by the claim's
 * transaction and closed with the batch's final count (which the batch makes anyway, at its end). Readers use a
 * closed batch's {@code sent}, {@code first_sent_at} and {@code last_sent_at}, and read an open batch (in flight,
 * or its last attempt died) live through its deliveries: its task's rows in the id range the claim took (V156, see
 * {@link #rowsOf}). A retry attempt reopens its batch before it sends, so a closed batch's counts are final.
 *
 * <p>The fragments below are SQL expressions for the readers' own statements; parameters are named in each.
 */
public final class SendBatches {

    /**
     * Opens the batch of a claim ({@code :claim}, {@code :serviceId}, {@code :taskId}, and the first and last id it
     * took, {@code :firstId} and {@code :lastId}: how its rows are found); a repeat is a no-op.
     */
    public static final String OPEN = """
            INSERT INTO send_batches (claim_token, sender_service_id, task_id, first_id, last_id)
            VALUES (:claim, :serviceId, :taskId, :firstId, :lastId)
            ON CONFLICT (claim_token) DO UPDATE SET closed_at = NULL
            """;

    /**
     * The batch {@code :claim}'s final count (columns claimed, sent, failed, unknown), which closes its row with what
     * it sent and names the provider message ids of a service with provider webhooks ({@code provider_messages}:
     * ALIYUN_DM, ENGAGELAB; an SMTP service has none, its bounces and replies name our token, Message-ID or address).
     * Idempotent: ending the batch again writes the same.
     */
    public static final String CLOSE = """
            WITH c AS MATERIALIZED (
                SELECT id, status, sent_at, provider_message_id, sender_service_id FROM deliveries d
                 WHERE """ + ofClaim("d") + """
            ), n AS (
                SELECT count(*) FILTER (WHERE status <> 'SKIPPED') AS claimed,
                       count(*) FILTER (WHERE status = 'SENT')     AS sent,
                       count(*) FILTER (WHERE status = 'FAILED')   AS failed,
                       count(*) FILTER (WHERE status = 'UNKNOWN')  AS unknown,
                       min(sent_at) FILTER (WHERE status = 'SENT') AS first_sent_at,
                       max(sent_at) FILTER (WHERE status = 'SENT') AS last_sent_at
                  FROM c
            ), closed AS (
                UPDATE send_batches b SET closed_at = now(), sent = n.sent, first_sent_at = n.first_sent_at,
                                          last_sent_at = n.last_sent_at
                  FROM n WHERE b.claim_token = :claim
            ), named AS (
                INSERT INTO provider_messages (delivery_id, provider_message_id)
                SELECT c.id, c.provider_message_id FROM c JOIN sender_services s ON s.id = c.sender_service_id
                 WHERE c.status = 'SENT' AND c.provider_message_id IS NOT NULL AND s.provider <> 'SMTP'
                ON CONFLICT (delivery_id) DO NOTHING
            )
            SELECT claimed, sent, failed, unknown FROM n
            """;

    /** A retry attempt of the batch {@code :claim} may still send: its counts are read live until it closes again. */
    public static final String REOPEN = "UPDATE send_batches SET closed_at = NULL WHERE claim_token = :claim";

    private SendBatches() {
    }

    /**
     * The first and last id of the batch {@code b}'s range; a batch without one (opened by a worker of a version
     * before V156, after the migration) is read through its whole task.
     */
    private static String firstId(String b) {
        return "coalesce(" + b + ".first_id, 0)";
    }

    private static String lastId(String b) {
        return "coalesce(" + b + ".last_id, 9223372036854775807)";
    }

    /** The join condition of a batch {@code b} and its deliveries {@code d}: its task, its id range, its token. */
    public static String rowsOf(String b, String d) {
        return "(" + d + ".task_id = " + b + ".task_id AND " + d + ".id BETWEEN " + firstId(b) + " AND " + lastId(b)
                + " AND " + d + ".claim_token = " + b + ".claim_token)";
    }

    /**
     * The rows of the claim {@code :claim} (deliveries as {@code d}), found through its batch: the claim's task and
     * the id range it took (V156; no index of deliveries reads claim_token, see PendingQueue).
     */
    public static String ofClaim(String d) {
        return ("(%1$s.task_id = (SELECT b.task_id FROM send_batches b WHERE b.claim_token = :claim)"
                + " AND %1$s.id >= (SELECT " + firstId("b") + " FROM send_batches b WHERE b.claim_token = :claim)"
                + " AND %1$s.id <= (SELECT " + lastId("b") + " FROM send_batches b WHERE b.claim_token = :claim)"
                + " AND %1$s.claim_token = :claim)").formatted(d);
    }

    /**
     * The number of deliveries the service {@code :service} sent at or after {@code :since}: closed batches whose
     * sends all fall after it count by their {@code sent}; the others that may hold such a send (open, or straddling
     * {@code :since}) count their deliveries. A constant (a repository's {@code @Query} reads it), so its join is
     * {@link #rowsOf} written out.
     */
    public static final String SENT_SINCE = """
            ((SELECT coalesce(sum(b.sent), 0) FROM send_batches b
               WHERE b.sender_service_id = :service AND b.closed_at IS NOT NULL AND b.last_sent_at IS NOT NULL
                 AND b.last_sent_at >= :since AND b.first_sent_at >= :since)
             + (SELECT count(*) FROM send_batches db JOIN deliveries d
                   ON d.task_id = db.task_id AND d.id BETWEEN coalesce(db.first_id, 0)
                                                     AND coalesce(db.last_id, 9223372036854775807)
                  AND d.claim_token = db.claim_token
                 WHERE db.claim_token IN (SELECT b.claim_token FROM send_batches b
                                          WHERE b.sender_service_id = :service AND b.closed_at IS NULL
                                         UNION ALL
                                         SELECT b.claim_token FROM send_batches b
                                          WHERE b.sender_service_id = :service AND b.closed_at IS NOT NULL
                                            AND b.last_sent_at IS NOT NULL AND b.last_sent_at >= :since
                                            AND b.first_sent_at < :since)
                   AND d.status = 'SENT' AND d.sent_at >= :since))""";

    /**
     * The ids of the {@code :window} deliveries the service {@code service} sent last, newest first. Exact, in two
     * steps: the service's open batches and its newest closed batches by last send, as many as hold
     * {@code :window} sends by their counts (at most {@code :window} batches), hold at least {@code :window} sends,
     * or all of them; the {@code :window}-th newest among them is
     * never newer than the true one, so every one of the service's {@code :window} newest sends is in a batch whose
     * last send is at or after it.
     *
     * <p>{@code service} is read inside the fragment's subqueries, so the fragment's own aliases all start with
     * {@code ls_}: a caller's alias cannot be taken for one of them. (Before, the alert rule's {@code s.id} was
     * read as the inner deliveries {@code s}: the window step found nothing, every closed batch of the service was
     * read, and each delivery row ran the window subquery again; same answer, but a sweep read every delivery.)
     */
    public static String lastSent(String service) {
        return ("""
                SELECT ls_d.id, ls_d.sent_at FROM send_batches ls_db JOIN deliveries ls_d ON """
                + rowsOf("ls_db", "ls_d") + """
                 WHERE ls_db.claim_token IN (
                         SELECT ls_b.claim_token FROM send_batches ls_b
                          WHERE ls_b.sender_service_id = %1$s AND ls_b.closed_at IS NULL
                         UNION ALL
                         SELECT ls_b.claim_token FROM send_batches ls_b
                          WHERE ls_b.sender_service_id = %1$s AND ls_b.closed_at IS NOT NULL
                            AND ls_b.last_sent_at IS NOT NULL
                            AND ls_b.last_sent_at >= (
                                SELECT coalesce(min(ls_c.sent_at), '-infinity') FROM (
                                    SELECT ls_s.sent_at FROM send_batches ls_sb JOIN deliveries ls_s ON """
                + rowsOf("ls_sb", "ls_s") + """
                                     WHERE ls_sb.claim_token IN (
                                             SELECT ls_o.claim_token FROM send_batches ls_o
                                              WHERE ls_o.sender_service_id = %1$s AND ls_o.closed_at IS NULL
                                             UNION ALL
                                             SELECT ls_w.claim_token FROM (
                                                 SELECT ls_n.claim_token, sum(ls_n.sent) OVER (
                                                            ORDER BY ls_n.last_sent_at DESC, ls_n.claim_token)
                                                            - ls_n.sent AS before
                                                   FROM (SELECT ls_n.claim_token, ls_n.sent, ls_n.last_sent_at
                                                           FROM send_batches ls_n
                                                          WHERE ls_n.sender_service_id = %1$s
                                                            AND ls_n.closed_at IS NOT NULL
                                                            AND ls_n.last_sent_at IS NOT NULL
                                                          ORDER BY ls_n.last_sent_at DESC LIMIT :window) ls_n) ls_w
                                              WHERE ls_w.before < :window)
                                       AND ls_s.status = 'SENT'
                                     ORDER BY ls_s.sent_at DESC LIMIT :window) ls_c))
                   AND ls_d.status = 'SENT'
                 ORDER BY ls_d.sent_at DESC, ls_d.id DESC LIMIT :window""").formatted(service);
    }

    /** The number of deliveries sent for the task {@code task} (an SQL expression). */
    public static String taskSent(String task) {
        return ("""
                ((SELECT coalesce(sum(b.sent), 0) FROM send_batches b
                   WHERE b.task_id = %1$s AND b.closed_at IS NOT NULL)
                 + (SELECT count(*) FROM send_batches db JOIN deliveries d ON """ + rowsOf("db", "d") + """
                     WHERE db.claim_token IN (SELECT b.claim_token FROM send_batches b
                                              WHERE b.task_id = %1$s AND b.closed_at IS NULL)
                       AND d.status = 'SENT'))""").formatted(task);
    }

    /** When the task {@code task} (an SQL expression) first sent, or NULL. */
    public static String taskFirstSent(String task) {
        return ("""
                least((SELECT min(b.first_sent_at) FROM send_batches b
                        WHERE b.task_id = %1$s AND b.closed_at IS NOT NULL),
                      (SELECT min(d.sent_at) FROM send_batches db JOIN deliveries d ON """ + rowsOf("db", "d") + """
                        WHERE db.claim_token IN (SELECT b.claim_token FROM send_batches b
                                                 WHERE b.task_id = %1$s AND b.closed_at IS NULL)
                          AND d.status = 'SENT'))""").formatted(task);
    }
}
