package org.edm.api.support;

import java.util.regex.Pattern;

/**
 * Syntax checks for addresses we will put on the wire. Deliberately stricter than RFC 5322 (no quoted local parts,
 * no IP-literal domains, a dot in the domain): an address that passes here is one every provider accepts, so a bad
 * import row fails at the api instead of as a bounce later.
 */
public final class Addresses {

    /** dot-atom local part (RFC 5322 atext, no leading/trailing/double dots). */
    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
    private static final Pattern LOCAL_PART = Pattern.compile(ATEXT + "+(\\." + ATEXT + "+)*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern TLD = Pattern.compile("[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}");

    /*
     * The same rules as ECMA-262 regular expressions, for the OpenAPI contract (pattern of the properties marked
     * @DomainName, @HostName, @EmailLocalPart): what a client generated from it may send, the api accepts.
     */
    private static final String DOMAIN_BODY = "(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
            + "(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{0,58}[A-Za-z0-9])";
    public static final String DOMAIN_REGEX = "^" + DOMAIN_BODY + "$";
    public static final String HOST_REGEX = "^(?:" + DOMAIN_BODY + "|localhost"
            + "|(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){3})$";
    public static final String EMAIL_LOCAL_PART_REGEX = "^(?=.{1,64}$)" + ATEXT + "+(?:\\." + ATEXT + "+)*$";

    private Addresses() {
    }

    public static boolean isEmailLocalPart(String s) {
        return s != null && s.length() <= 64 && LOCAL_PART.matcher(s).matches();
    }

    /** A DNS host name with at least two labels and an alphabetic (or punycode) top-level label. */
    public static boolean isDomain(String s) {
        if (s == null || s.isEmpty() || s.length() > 253) {
            return false;
        }
        String[] labels = s.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return TLD.matcher(labels[labels.length - 1]).matches();
    }

    /** A host to connect to: a domain as above, {@code localhost} or a dotted IPv4 address. */
    public static boolean isHost(String s) {
        return s != null && (isDomain(s) || s.equals("localhost")
                || s.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}"));
    }

    public static boolean isEmail(String s) {
        if (s == null || s.length() > 254) {
            return false;
        }
        int at = s.lastIndexOf('@');
        return at > 0 && isEmailLocalPart(s.substring(0, at)) && isDomain(s.substring(at + 1));
    }
}
