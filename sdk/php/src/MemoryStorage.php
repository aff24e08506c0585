<?php

namespace Licensing;

/** For tests and one-shot scripts: forgets everything when the process ends. */
final class MemoryStorage implements Storage
{
    /** @var array<string, string> */
    private $values = [];

    public function get(string $name): ?string
    {
        return $this->values[$name] ?? null;
    }

    public function set(string $name, ?string $value): void
    {
        if ($value === null) {
            unset($this->values[$name]);
        } else {
            $this->values[$name] = $value;
        }
    }
}
