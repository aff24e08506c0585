<?php

namespace Licensing\WordPress;

/** Admin notices for an invalid license and one about to expire; read from stored state, never a request. */
final class Notices
{
    /** @var LicensedProduct */
    private $product;
    /** @var SettingsPage */
    private $settings;

    public function __construct(LicensedProduct $product, SettingsPage $settings)
    {
        $this->product = $product;
        $this->settings = $settings;
    }

    public function render(): void
    {
        if (!current_user_can('manage_options') || $this->product->key() === '') {
            return;
        }
        $state = $this->product->state();
        $name = (string) $this->product->config['name'];
        $link = sprintf('<a href="%s">%s</a>', esc_url($this->settings->url()), esc_html__('License settings', 'licensing-sdk'));
        if ($state !== null && !$state->valid) {
            printf('<div class="notice notice-error" data-licensing="%s"><p><strong>%s</strong> %s %s</p></div>', esc_attr($state->code),
                esc_html($name), esc_html(Messages::forCode($state->code)), $link);
            return;
        }
        $expires = $state !== null ? $state->expiresAt() : null;
        $days = (int) $this->product->config['expiringDays'];
        if ($expires !== null && $expires - LicensedProduct::now() < $days * DAY_IN_SECONDS) {
            /* translators: 1: the product's name, 2: a date */
            $text = sprintf(__('Your %1$s license expires on %2$s. Renew it to keep updates and paid features.', 'licensing-sdk'),
                $name, date_i18n(get_option('date_format'), $expires));
            printf('<div class="notice notice-warning" data-licensing="EXPIRING"><p>%s %s</p></div>', esc_html($text), $link);
        }
    }
}
