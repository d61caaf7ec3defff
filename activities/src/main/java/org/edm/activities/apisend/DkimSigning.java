package org.edm.activities.apisend;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.edm.activities.delivery.MailSendException;
import org.simplejavamail.utils.mail.dkim.Canonicalization;
import org.simplejavamail.utils.mail.dkim.DkimMessage;
import org.simplejavamail.utils.mail.dkim.DkimSigner;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * DKIM-signs API messages with their sending domain's key ({@code sending_domains.dkim_selector} and the sealed
 * base64 PKCS#8 RSA private key), so receivers can check them against the DKIM record the domain's owner
 * published. relaxed/relaxed canonicalisation survives the header folding and whitespace changes relays make. No
 * DNS lookup here ({@code checkDomainKey} off): the domains feature verified the record.
 */
final class DkimSigning {

    private DkimSigning() {
    }

    /** A signer for this domain; the key stays inside it (INV-6). */
    static UnaryOperator<MimeMessage> signer(String domain, String selector, String base64Pkcs8PrivateKey) {
        DkimSigner signer;
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64Pkcs8PrivateKey.replaceAll("-----[^-]+-----", ""));
            RSAPrivateKey key = (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            signer = new DkimSigner(domain, selector, key);
            signer.setHeaderCanonicalization(Canonicalization.RELAXED);
            signer.setBodyCanonicalization(Canonicalization.RELAXED);
            signer.setCheckDomainKey(false);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException
                 | org.simplejavamail.utils.mail.dkim.DkimException e) {
            // the message would say nothing about the key, but keep even its class name out of it
            throw new IllegalStateException("the DKIM key of " + domain + " cannot be used");
        }
        return message -> {
            try {
                return new DkimMessage(message, signer);
            } catch (MessagingException e) {
                throw new MailSendException(MailSendException.Kind.REJECTED, "cannot DKIM-sign the message", e);
            }
        };
    }
}
