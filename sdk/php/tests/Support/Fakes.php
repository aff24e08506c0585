<?php

namespace Licensing\Tests\Support;

use Licensing\Http\Response;
use Licensing\Http\Transport;
use Licensing\Http\TransportException;

/** A network that answers every request with $status (an outage, 429), or, with $status 0, does not answer at all. */
final class BrokenNetwork implements Transport
{
    /** @var int */
    private $status;
    /** @var int */
    public $requests = 0;

    public function __construct(int $status)
    {
        $this->status = $status;
    }

    public function send(string $method, string $url, array $headers, ?string $body): Response
    {
        $this->requests++;
        if ($this->status === 0) {
            throw new TransportException('connection refused');
        }
        return new Response($this->status, '{"code":"SERVICE_UNAVAILABLE","detail":"down"}');
    }
}

/** Counts the requests another transport sends. */
final class CountingTransport implements Transport
{
    /** @var Transport */
    private $inner;
    /** @var list<string> */
    public $urls = [];

    public function __construct(Transport $inner)
    {
        $this->inner = $inner;
    }

    public function send(string $method, string $url, array $headers, ?string $body): Response
    {
        $this->urls[] = $url;
        return $this->inner->send($method, $url, $headers, $body);
    }
}
