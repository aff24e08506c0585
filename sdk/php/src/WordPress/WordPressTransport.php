<?php

namespace Licensing\WordPress;

use Licensing\Http\Response;
use Licensing\Http\Transport;
use Licensing\Http\TransportException;

/** WordPress's HTTP API (wp_remote_request): its proxy settings, CA bundle and filters apply. */
final class WordPressTransport implements Transport
{
    /** @var int */
    private $timeoutSeconds;

    public function __construct(int $timeoutSeconds = 15)
    {
        $this->timeoutSeconds = $timeoutSeconds;
    }

    public function send(string $method, string $url, array $headers, ?string $body): Response
    {
        $result = wp_remote_request($url, [
            'method' => $method,
            'headers' => $headers,
            'body' => $body,
            'timeout' => $this->timeoutSeconds,
            'redirection' => 0,
        ]);
        if (is_wp_error($result)) {
            throw new TransportException($result->get_error_message());
        }
        return new Response((int) wp_remote_retrieve_response_code($result), (string) wp_remote_retrieve_body($result));
    }
}
