<?php

namespace Licensing\Http;

/** ext-curl. */
final class CurlTransport implements Transport
{
    /** @var int */
    private $timeoutSeconds;

    public function __construct(int $timeoutSeconds = 15)
    {
        $this->timeoutSeconds = $timeoutSeconds;
    }

    public function send(string $method, string $url, array $headers, ?string $body): Response
    {
        $curl = curl_init($url);
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => $lines,
            CURLOPT_TIMEOUT => $this->timeoutSeconds,
            CURLOPT_CONNECTTIMEOUT => min(10, $this->timeoutSeconds),
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
        ]);
        if ($body !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, $body);
        }
        $text = curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $error = curl_error($curl);
        curl_close($curl);
        if (!is_string($text) || $status === 0) {
            throw new TransportException($error !== '' ? $error : 'no answer');
        }
        return new Response($status, $text);
    }
}
