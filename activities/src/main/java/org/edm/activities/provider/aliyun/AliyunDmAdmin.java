package org.edm.activities.provider.aliyun;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.dm.model.v20151123.CreateMailAddressRequest;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ErrorType;
import com.aliyuncs.exceptions.ServerException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * Managing sending domains and sender addresses in the platform's own DirectMail account (seed 004 steps 5-10).
 * The DM SDK has a request class for {@code CreateMailAddress} only; {@code CreateDomain},
 * {@code QueryDomainByParam}, {@code DescDomain}, {@code CheckDomain}, {@code QueryMailAddressByParam} and
 * {@code ModifyMailAddress} (which sets the SMTP password) go through the core SDK's {@link CommonRequest}
 * (product Dm, version 2015-11-23), which signs the same way.
 *
 * <p>Every failure is a {@link DirectMailException} that says whether trying again can help. Its message carries
 * the provider's error code and text, never the request, the signature or a password.
 */
public final class AliyunDmAdmin implements AutoCloseable {

    static final String VERSION = "2015-11-23";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A DirectMail call failed; {@code transientFailure}: busy, unreachable or a 5xx, so a later try may work. */
    public static final class DirectMailException extends RuntimeException {
        private final boolean transientFailure;
        private final String code;

        DirectMailException(boolean transientFailure, String code, String message) {
            super(message);
            this.transientFailure = transientFailure;
            this.code = code;
        }

        public boolean transientFailure() {
            return transientFailure;
        }

        public String code() {
            return code;
        }
    }

    private final DefaultAcsClient client;
    /** {@code host[:port]} of the DirectMail API; plain HTTP when it was configured (tests, private gateways). */
    private final String endpoint;
    private final boolean overridden;

    /**
     * @param endpoint null for the region's public endpoint ({@code dm.aliyuncs.com} for cn-hangzhou,
     *                 {@code dm.<region>.aliyuncs.com} elsewhere)
     */
    public AliyunDmAdmin(String region, String accessKeyId, String accessKeySecret, String endpoint) {
        this.client = AliyunDmClients.newClient(region, accessKeyId, accessKeySecret);
        this.overridden = endpoint != null && !endpoint.isBlank();
        this.endpoint = overridden ? endpoint.trim()
                : "cn-hangzhou".equals(region) ? "dm.aliyuncs.com" : "dm." + region + ".aliyuncs.com";
    }

    /**
     * Registers the domain in the account; one that is there already is fine (a retry, a domain added again).
     *
     * @return DirectMail's id of the domain: from CreateDomain's answer, else (it was there already) looked up by
     * name with QueryDomainByParam; a domain DirectMail does not list (yet) is a transient failure
     */
    public String createDomain(String domainName) {
        CommonRequest request = common("CreateDomain");
        request.putQueryParameter("DomainName", domainName);
        try {
            String id = json("CreateDomain", call(request)).path("DomainId").asText("");
            if (!id.isBlank()) {
                return id;
            }
        } catch (DirectMailException e) {
            if (!alreadyExists(e)) {
                throw e;
            }
        }
        return findDomainId(domainName).orElseThrow(() -> new DirectMailException(true, "NotListedYet",
                "Aliyun DirectMail registered the domain but does not list it yet"));
    }

    /** DirectMail's id of a domain registered in the account (QueryDomainByParam, KeyWord = the name). */
    public Optional<String> findDomainId(String domainName) {
        CommonRequest request = common("QueryDomainByParam");
        request.putQueryParameter("KeyWord", domainName);
        request.putQueryParameter("PageSize", "50");
        for (JsonNode node : json("QueryDomainByParam", call(request)).findParents("DomainName")) {
            if (node.path("DomainName").asText().equalsIgnoreCase(domainName) && node.hasNonNull("DomainId")) {
                return Optional.of(node.path("DomainId").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * DescDomain: the records DirectMail wants published for the domain and its own verdict on each. Field names as
     * documented for Dm 2015-11-23 ({@code DomainType} is the ownership TXT value, {@code HostRecord} its host,
     * {@code SpfRecord}, {@code MxRecord}, {@code DkimRR} + {@code DkimPublicKey}, {@code *AuthStatus} "0" = passed,
     * {@code DomainStatus} "0" = verified); any of them may be absent.
     */
    public ProviderDomain describeDomain(String providerDomainId) {
        CommonRequest request = common("DescDomain");
        request.putQueryParameter("DomainId", providerDomainId);
        JsonNode n = json("DescDomain", call(request));
        return new ProviderDomain(text(n, "DomainName"), text(n, "DomainStatus"), text(n, "HostRecord"),
                text(n, "DomainType"), text(n, "TxtAuthStatus"), text(n, "SpfRecord"), text(n, "SpfAuthStatus"),
                text(n, "MxRecord"), text(n, "MxAuthStatus"), text(n, "DkimRR"), text(n, "DkimPublicKey"),
                text(n, "DkimAuthStatus"));
    }

    /** CheckDomain: asks DirectMail to look the domain's records up again (its verdict shows in DescDomain). */
    public void checkDomain(String providerDomainId) {
        CommonRequest request = common("CheckDomain");
        request.putQueryParameter("DomainId", providerDomainId);
        call(request);
    }

    /** What DescDomain answered; a value DirectMail did not give is null. Status fields: "0" passed, else not. */
    public record ProviderDomain(String domainName, String domainStatus, String hostRecord, String ownershipValue,
                                 String txtAuthStatus, String spfRecord, String spfAuthStatus, String mxRecord,
                                 String mxAuthStatus, String dkimHost, String dkimPublicKey, String dkimAuthStatus) {

        public boolean verified() {
            return "0".equals(domainStatus);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().trim();
    }

    private static JsonNode json(String action, CommonResponse response) {
        try {
            String data = response.getData();
            return data == null || data.isBlank() ? JSON.createObjectNode() : JSON.readTree(data);
        } catch (IOException e) {
            throw new DirectMailException(true, "UnreadableReply", "DirectMail answered " + action
                    + " with something that is not JSON");
        }
    }

    /** Creates the sender address (type "trigger": transactional mail); an existing one is fine. */
    public void createMailAddress(String address) {
        CreateMailAddressRequest request = new CreateMailAddressRequest();
        request.setSysMethod(MethodType.POST);
        request.setAcceptFormat(FormatType.JSON);
        request.setSysEndpoint(endpoint);
        if (overridden) {
            request.setSysProtocol(ProtocolType.HTTP);
        }
        request.setAccountName(address);
        request.setSendtype("trigger");
        try {
            execute("CreateMailAddress", () -> client.getAcsResponse(request));
        } catch (DirectMailException e) {
            if (!alreadyExists(e)) {
                throw e;
            }
        }
    }

    /** DirectMail's id of the address, needed to change it. */
    public Optional<String> findMailAddressId(String address) {
        CommonRequest request = common("QueryMailAddressByParam");
        request.putQueryParameter("KeyWord", address);
        request.putQueryParameter("PageSize", "50");
        JsonNode reply = json("QueryMailAddressByParam", call(request));
        for (JsonNode node : reply.findParents("AccountName")) {
            if (node.path("AccountName").asText().equalsIgnoreCase(address) && node.hasNonNull("MailAddressId")) {
                return Optional.of(node.path("MailAddressId").asText());
            }
        }
        return Optional.empty();
    }

    /** Sets the address's SMTP password (DirectMail wants 10-20 characters with upper, lower case and digits). */
    public void setSmtpPassword(String mailAddressId, String password) {
        CommonRequest request = common("ModifyMailAddress");
        request.putQueryParameter("MailAddressId", mailAddressId);
        request.putQueryParameter("Password", password);
        call(request);
    }

    private CommonRequest common(String action) {
        CommonRequest request = new CommonRequest();
        request.setSysMethod(MethodType.POST);
        request.setSysDomain(endpoint);
        if (overridden) {
            request.setSysProtocol(ProtocolType.HTTP);
        }
        request.setSysProduct("Dm");
        request.setSysVersion(VERSION);
        request.setSysAction(action);
        request.setSysAccept(FormatType.JSON);
        return request;
    }

    private CommonResponse call(CommonRequest request) {
        return execute(request.getSysAction(), () -> client.getCommonResponse(request));
    }

    private interface Call<T> {
        T run() throws ClientException;
    }

    private static <T> T execute(String action, Call<T> call) {
        try {
            return call.run();
        } catch (ServerException e) {
            boolean busy = e.getErrorType() == ErrorType.Throttling || String.valueOf(e.getErrCode()).startsWith("Throttling");
            throw new DirectMailException(true, e.getErrCode(), "Aliyun DirectMail " + (busy ? "is busy" : "failed")
                    + " on " + action + " (" + e.getErrCode() + ": " + e.getErrMsg() + ")");
        } catch (ClientException e) {
            String code = String.valueOf(e.getErrCode());
            if (code.startsWith("SDK.") || code.startsWith("Throttling") || e.getErrorType() == ErrorType.Throttling) {
                throw new DirectMailException(true, code, "Aliyun DirectMail could not be reached or was busy on "
                        + action + " (" + code + ")");
            }
            throw new DirectMailException(false, code, "Aliyun DirectMail refused " + action + " (" + code + ": "
                    + e.getErrMsg() + ")");
        }
    }

    /** DirectMail's "is there already" codes (e.g. InvalidDomainName.Exist, InvalidMailAddress.Repeat). */
    private static boolean alreadyExists(DirectMailException e) {
        String code = String.valueOf(e.code()).toLowerCase(Locale.ROOT);
        return !e.transientFailure() && (code.contains("exist") || code.contains("repeat") || code.contains("duplicate"));
    }

    @Override
    public void close() {
        client.shutdown();
    }

    @Override
    public String toString() {
        return "AliyunDmAdmin[" + endpoint + "]";
    }
}
