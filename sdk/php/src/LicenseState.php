<?php

namespace Licensing;

/** A verdict: VALID or a code (the server's validation codes, UNREACHABLE, CERTIFICATE_EXPIRED, CLOCK_TAMPERED, ...). */
final class LicenseState
{
    /** @var bool */
    public $valid;
    /** @var string */
    public $code;
    /** @var string */
    public $detail;
    /** @var array<string, mixed>|null the verified certificate's claims (plan, features, lexp, rva, exp, ...) and 'token' */
    public $certificate;
    /** @var bool true when the server could not be asked and the stored certificate answered */
    public $offline;

    public function __construct(bool $valid, string $code, string $detail, ?array $certificate = null, bool $offline = false)
    {
        $this->valid = $valid;
        $this->code = $code;
        $this->detail = $detail;
        $this->certificate = $certificate;
        $this->offline = $offline;
    }

    /** True only for a valid license whose verified certificate lists $feature. */
    public function hasFeature(string $feature): bool
    {
        return $this->valid && $this->certificate !== null && in_array($feature, (array) ($this->certificate['features'] ?? []), true);
    }

    public function plan(): ?string
    {
        return isset($this->certificate['plan']) ? (string) $this->certificate['plan'] : null;
    }

    /** The license's own expiry (Unix seconds), null for a license that does not expire or an unknown one. */
    public function expiresAt(): ?int
    {
        return isset($this->certificate['lexp']) && is_int($this->certificate['lexp']) ? $this->certificate['lexp'] : null;
    }

    /** @return list<string> */
    public function features(): array
    {
        return $this->valid && $this->certificate !== null ? array_values((array) ($this->certificate['features'] ?? [])) : [];
    }
}
