<?php

namespace Licensing\WordPress;

use Licensing\Storage;

/** The client's state in this site's options, never autoloaded (the certificate is read only when needed). */
final class OptionStorage implements Storage
{
    /** @var string */
    private $prefix;

    public function __construct(string $prefix)
    {
        $this->prefix = $prefix;
    }

    public function get(string $name): ?string
    {
        $value = get_option($this->prefix . $name, null);
        return is_string($value) ? $value : null;
    }

    public function set(string $name, ?string $value): void
    {
        if ($value === null) {
            delete_option($this->prefix . $name);
        } elseif (get_option($this->prefix . $name, null) === null) {
            add_option($this->prefix . $name, $value, '', 'no');
        } else {
            update_option($this->prefix . $name, $value, false);
        }
    }
}
