<?php

namespace Licensing\Http;

/** An HTTP answer: status and body. */
final class Response
{
    /** @var int */
    public $status;
    /** @var string */
    public $body;

    public function __construct(int $status, string $body)
    {
        $this->status = $status;
        $this->body = $body;
    }

    /** The body as a JSON object (array), or null when it is not one. */
    public function json(): ?array
    {
        $value = json_decode($this->body, true);
        return is_array($value) ? $value : null;
    }
}
