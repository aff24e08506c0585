<?php

namespace Licensing\WordPress;

/** What each verdict code means to a site owner, translated (text domain `licensing-sdk`). */
final class Messages
{
    public static function forCode(string $code): string
    {
        switch ($code) {
            case 'VALID':
                return __('Your license is active on this site.', 'licensing-sdk');
            case 'NOT_FOUND':
                return __('This license key is not recognised. Check that you pasted the whole key.', 'licensing-sdk');
            case 'REVOKED':
                return __('This license has been revoked. Contact the seller if you think this is a mistake.', 'licensing-sdk');
            case 'SUSPENDED':
                return __('This license is suspended, usually because of a payment problem. Contact the seller.', 'licensing-sdk');
            case 'EXPIRED':
                return __('This license has expired. Renew it to get updates and paid features back.', 'licensing-sdk');
            case 'PRODUCT_MISMATCH':
                return __('This license key is for another product.', 'licensing-sdk');
            case 'DOMAIN_MISMATCH':
                return __('This license is not activated for this site. Activate it again.', 'licensing-sdk');
            case 'FINGERPRINT_MISMATCH':
                return __('This license is bound to another installation.', 'licensing-sdk');
            case 'FEATURE_NOT_ENTITLED':
                return __('Your plan does not include this feature.', 'licensing-sdk');
            case 'USAGE_LIMIT_EXCEEDED':
                return __('This license has used up its allowance for this period.', 'licensing-sdk');
            case 'ACTIVATION_LIMIT_REACHED':
                return __('This license is already active on as many sites as it allows. Deactivate it on another site first.', 'licensing-sdk');
            case 'UPDATE_NOT_COVERED':
                return __('Your license does not cover this update. Renew it to get the new version.', 'licensing-sdk');
            case 'UNREACHABLE':
                return __('The licensing service could not be reached. WordPress will try again later.', 'licensing-sdk');
            case 'CERTIFICATE_EXPIRED':
                return __(
                    'The license could not be confirmed for too long (the licensing service was unreachable). It will be checked again.',
                    'licensing-sdk'
                );
            case 'CLOCK_TAMPERED':
                return __("This server's clock is set before the last license check. Correct the clock.", 'licensing-sdk');
            case 'CERTIFICATE_INVALID':
                return __('The licensing service answered with a certificate that does not verify. Contact the seller.', 'licensing-sdk');
            case 'RATE_LIMITED':
                return __('Too many attempts. Wait a minute and try again.', 'licensing-sdk');
            case 'VALIDATION_FAILED':
                return __('That does not look like a license key.', 'licensing-sdk');
            case 'DEACTIVATED':
                return __('The license was deactivated on this site.', 'licensing-sdk');
            default:
                /* translators: %s: a verdict code such as SUSPENDED */
                return sprintf(__('The license check answered %s.', 'licensing-sdk'), $code);
        }
    }
}
