<?php

namespace Licensing\Http;

/** How the client speaks HTTP: curl or PHP streams outside WordPress, WordPress's HTTP API inside it. */
interface Transport
{
    /**
     * Sends one request. Returns the status and body of any HTTP answer (4xx and 5xx included); throws
     * TransportException when no answer came (DNS, connection, TLS, timeout).
     *
     * @param array<string, string> $headers
     */
    public function send(string $method, string $url, array $headers, ?string $body): Response;
}
