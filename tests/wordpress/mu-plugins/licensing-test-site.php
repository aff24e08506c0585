<?php
/**
 * Must-use plugin of the test site only (tests/wordpress). This machine has no network beyond loopback:
 * - the licensing host's loopback port is allowed for package downloads (wp_http_validate_url refuses non-standard
 *   ports otherwise);
 * - api.wordpress.org is answered here with what it answers for plugins and themes it does not host (empty lists),
 *   so wp_update_plugins() and wp_update_themes() run to their end; every other outside request fails at once;
 * - the path of every request to the licensing host is listed in the option licensing_test_requests (to show page loads
 *   make none);
 * - the option licensing_test_offline makes the licensing host unreachable (as a network outage would);
 * - the clock the drop-in reads (licensing_sdk_now) can be moved forward with the option licensing_test_clock_offset.
 */
add_filter('http_allowed_safe_ports', static function (array $ports): array {
    $ports[] = (int) LICENSING_TEST_BACKEND_PORT;
    return $ports;
});

add_filter('pre_http_request', static function ($pre, $args, $url) {
    $host = wp_parse_url($url, PHP_URL_HOST);
    if ($host === '127.0.0.1' && wp_parse_url($url, PHP_URL_PORT) === (int) LICENSING_TEST_BACKEND_PORT && get_option('licensing_test_offline')) {
        return new WP_Error('http_request_failed', 'cURL error 7: Failed to connect to 127.0.0.1');
    }
    if ($host === '127.0.0.1') {
        return $pre;
    }
    if ($host === 'api.wordpress.org' && preg_match('#/(plugins|themes)/update-check/#', (string) $url, $m)) {
        $body = $m[1] === 'plugins' ? ['plugins' => [], 'translations' => [], 'no_update' => []] : ['themes' => [], 'translations' => [], 'no_update' => []];
        return ['headers' => [], 'body' => wp_json_encode($body), 'response' => ['code' => 200, 'message' => 'OK'], 'cookies' => [], 'filename' => null];
    }
    return new WP_Error('http_request_failed', 'the test site has no network beyond loopback: ' . $url);
}, 10, 3);

add_filter('licensing_sdk_now', static function (int $now): int {
    return $now + (int) get_option('licensing_test_clock_offset', 0);
});

add_action('http_api_debug', static function ($response, $context, $class, $args, $url): void {
    if (wp_parse_url($url, PHP_URL_PORT) === (int) LICENSING_TEST_BACKEND_PORT) {
        update_option('licensing_test_requests', array_merge((array) get_option('licensing_test_requests', []), [wp_parse_url($url, PHP_URL_PATH)]));
    }
}, 10, 5);
