<?php

namespace Licensing\Http;

/** PHP streams (allow_url_fopen), for hosts without ext-curl. */
final class StreamTransport implements Transport
{
    /** @var int */
    private $timeoutSeconds;

    public function __construct(int $timeoutSeconds = 15)
    {
        $this->timeoutSeconds = $timeoutSeconds;
    }

    public function send(string $method, string $url, array $headers, ?string $body): Response
    {
        $lines = '';
        foreach ($headers as $name => $value) {
            $lines .= $name . ': ' . $value . "\r\n";
        }
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => $lines,
            'content' => $body ?? '',
            'timeout' => $this->timeoutSeconds,
            'ignore_errors' => true,
            'follow_location' => 0,
        ]]);
        $text = @file_get_contents($url, false, $context);
        $statusLine = isset($http_response_header[0]) ? $http_response_header[0] : '';
        if ($text === false || !preg_match('{^HTTP/\S+ (\d{3})}', $statusLine, $m)) {
            $error = error_get_last();
            throw new TransportException($error['message'] ?? 'no answer');
        }
        return new Response((int) $m[1], $text);
    }
}
