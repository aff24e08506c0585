<?php

namespace Licensing;

/** Where the client keeps its certificate and last verdict: a small string key-value store. */
interface Storage
{
    public function get(string $name): ?string;

    /** Stores $value, or removes the entry when it is null. */
    public function set(string $name, ?string $value): void;
}
