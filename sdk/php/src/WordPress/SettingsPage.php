<?php

namespace Licensing\WordPress;

/** The license settings page: activate and deactivate with the site's home URL, status, plan, expiry, features. */
final class SettingsPage
{
    /** @var LicensedProduct */
    private $product;

    public function __construct(LicensedProduct $product)
    {
        $this->product = $product;
    }

    public function pageSlug(): string
    {
        return $this->product->slug . '-license';
    }

    public function url(array $args = []): string
    {
        return add_query_arg(['page' => $this->pageSlug()] + $args, admin_url($this->product->config['menuParent']));
    }

    public function addMenu(): void
    {
        /* translators: %s: the product's name */
        $title = sprintf(__('%s license', 'licensing-sdk'), $this->product->config['name']);
        add_submenu_page($this->product->config['menuParent'], $title, $title, 'manage_options', $this->pageSlug(), [$this, 'render']);
    }

    public function handleActivate(): void
    {
        $this->guard('activate');
        $key = trim(sanitize_text_field(wp_unslash($_POST['license_key'] ?? '')));
        $code = $key === '' ? 'VALIDATION_FAILED' : $this->product->activate($key)->code;
        $this->back($code);
    }

    public function handleDeactivate(): void
    {
        $this->guard('deactivate');
        $this->product->deactivate();
        $this->back('DEACTIVATED');
    }

    private function guard(string $action): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('You are not allowed to manage this license.', 'licensing-sdk'), '', ['response' => 403]);
        }
        check_admin_referer($this->product->prefix . $action);
    }

    private function back(string $code): void
    {
        wp_safe_redirect($this->url(['licensing-result' => rawurlencode($code)]));
        exit;
    }

    public function render(): void
    {
        if (!current_user_can('manage_options')) {
            return;
        }
        $product = $this->product;
        $state = $product->state();
        $key = $product->key();
        echo '<div class="wrap"><h1>' . esc_html(get_admin_page_title()) . '</h1>';
        $result = isset($_GET['licensing-result']) ? sanitize_key(wp_unslash($_GET['licensing-result'])) : '';
        if ($result !== '') {
            $code = strtoupper($result);
            $class = $code === 'VALID' || $code === 'DEACTIVATED' ? 'notice-success' : 'notice-error';
            printf('<div class="notice %s" data-code="%s"><p>%s</p></div>', esc_attr($class), esc_attr($code), esc_html(Messages::forCode($code)));
        }
        echo '<table class="form-table" role="presentation"><tbody>';
        $this->row(__('Status', 'licensing-sdk'), $state === null ? __('No license key entered.', 'licensing-sdk') : Messages::forCode($state->code),
            $state === null ? 'NONE' : $state->code);
        if ($key !== '') {
            $this->row(__('License key', 'licensing-sdk'), self::mask($key));
        }
        if ($state !== null && $state->valid) {
            $this->row(__('Plan', 'licensing-sdk'), (string) $state->plan());
            $expires = $state->expiresAt();
            $this->row(__('Expires', 'licensing-sdk'), $expires === null ? __('Never', 'licensing-sdk') : date_i18n(get_option('date_format'), $expires));
            $this->row(__('Features', 'licensing-sdk'), implode(', ', $state->features()));
        }
        echo '</tbody></table>';
        echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">';
        if ($key === '') {
            wp_nonce_field($product->prefix . 'activate');
            echo '<input type="hidden" name="action" value="' . esc_attr($product->prefix . 'activate') . '">';
            echo '<p><label for="licensing-key">' . esc_html__('License key', 'licensing-sdk') . '</label><br>';
            echo '<input type="text" class="regular-text code" id="licensing-key" name="license_key" autocomplete="off" spellcheck="false"></p>';
            submit_button(__('Activate license', 'licensing-sdk'));
        } else {
            wp_nonce_field($product->prefix . 'deactivate');
            echo '<input type="hidden" name="action" value="' . esc_attr($product->prefix . 'deactivate') . '">';
            /* translators: %s: this site's address */
            $text = __('Deactivating frees the slot %s uses so the key can be used on another site.', 'licensing-sdk');
            echo '<p>' . esc_html(sprintf($text, $product->domain())) . '</p>';
            submit_button(__('Deactivate license', 'licensing-sdk'), 'secondary');
        }
        echo '</form></div>';
    }

    private function row(string $label, string $value, string $code = ''): void
    {
        $attr = $code === '' ? '' : ' data-code="' . esc_attr($code) . '"';
        printf('<tr><th scope="row">%s</th><td%s>%s</td></tr>', esc_html($label), $attr, esc_html($value));
    }

    /** The key as the page shows it: its first 8 and last 4 characters. */
    public static function mask(string $key): string
    {
        return strlen($key) <= 12 ? str_repeat('•', strlen($key)) : substr($key, 0, 8) . '…' . substr($key, -4);
    }
}
