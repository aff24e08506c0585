<?php

namespace Licensing\Tests\WordPress;

/** The test site: its steps in fresh WordPress processes (wp-step.php), HTTP with a cookie jar, and the plugin's zip. */
final class Site
{
    public static function step(string $step, ?array $arg = null): array
    {
        $cmd = 'php ' . escapeshellarg(__DIR__ . '/../wp-step.php') . ' ' . escapeshellarg($step)
            . ($arg === null ? '' : ' ' . escapeshellarg(json_encode($arg)));
        exec($cmd . ' 2>&1', $lines, $status);
        $result = json_decode((string) end($lines), true);
        if ($status !== 0 || !is_array($result)) {
            throw new \RuntimeException("step $step failed ($status): " . implode("\n", $lines));
        }
        return $result;
    }

    /** @return array{status: int, body: string, location: string|null} */
    public static function http(string $method, string $path, ?array $form = null, string $jar = 'admin'): array
    {
        $curl = curl_init(getenv('WP_URL') . $path);
        $cookies = getenv('WP_WORK') . '/cookies-' . $jar . '.txt';
        $location = null;
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_COOKIEJAR => $cookies,
            CURLOPT_COOKIEFILE => $cookies,
            CURLOPT_TIMEOUT => 60,
            CURLOPT_HEADERFUNCTION => static function ($c, string $header) use (&$location): int {
                if (stripos($header, 'Location:') === 0) {
                    $location = trim(substr($header, 9));
                }
                return strlen($header);
            },
        ]);
        if ($form !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, http_build_query($form));
        }
        $body = (string) curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        return ['status' => $status, 'body' => $body, 'location' => $location];
    }

    /** The lines of the site's debug.log that name the drop-in, the SDK or the samples. */
    public static function ourLogLines(): array
    {
        $log = getenv('WP_WORK') . '/debug.log';
        return array_values(array_filter(is_file($log) ? file($log) : [], static function (string $line): bool {
            return stripos($line, 'licens') !== false;
        }));
    }

    /** A gettext .mo file (the format msgfmt writes) with $messages (original => translation). */
    public static function mo(array $messages): string
    {
        ksort($messages, SORT_STRING);
        $count = count($messages);
        $originalsAt = 28;
        $translationsAt = $originalsAt + 8 * $count;
        $textAt = $translationsAt + 8 * $count;
        $tables = ['', ''];
        $text = '';
        foreach ([array_keys($messages), array_values($messages)] as $i => $strings) {
            foreach ($strings as $string) {
                $tables[$i] .= pack('VV', strlen($string), $textAt + strlen($text));
                $text .= $string . "\0";
            }
        }
        return pack('VVVVVVV', 0x950412de, 0, $count, $originalsAt, $translationsAt, 0, $textAt) . $tables[0] . $tables[1] . $text;
    }

    /** PUT $body to an upload URL (a blob URL: the block-blob header Azure Storage wants). */
    public static function put(string $url, string $body): int
    {
        $curl = curl_init($url);
        curl_setopt_array($curl, [CURLOPT_CUSTOMREQUEST => 'PUT', CURLOPT_POSTFIELDS => $body, CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 60,
            CURLOPT_HTTPHEADER => ['x-ms-blob-type: BlockBlob', 'Content-Type: application/zip']]);
        curl_exec($curl);
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        return $status;
    }

    public static function login(string $user, string $password): void
    {
        self::http('GET', '/wp-login.php', null, $user);
        $r = self::http('POST', '/wp-login.php', ['log' => $user, 'pwd' => $password, 'testcookie' => '1', 'redirect_to' => '/wp-admin/'], $user);
        if ($r['status'] !== 302) {
            throw new \RuntimeException("login as $user failed: " . $r['status']);
        }
    }

    /**
     * The sample plugin as a vendor ships it: the plugin folder with a copy of sdk/php in licensing-sdk/, the
     * deployment's JWKS, and $version in its header.
     */
    public static function pluginZip(string $version, array $jwks): string
    {
        return self::package('licensed-sample-plugin', 'licensed-sample-plugin.php', $version, $jwks);
    }

    /** The sample theme, packaged the same way ($version in style.css). */
    public static function themeZip(string $version, array $jwks): string
    {
        return self::package('licensed-sample-theme', 'style.css', $version, $jwks);
    }

    private static function package(string $name, string $headerFile, string $version, array $jwks): string
    {
        $root = __DIR__ . '/../../../sdk/php';
        $zipPath = getenv('WP_WORK') . "/$name-$version.zip";
        $zip = new \ZipArchive();
        $zip->open($zipPath, \ZipArchive::CREATE | \ZipArchive::OVERWRITE);
        foreach (glob("$root/examples/$name/*") as $file) {
            $text = (string) file_get_contents($file);
            if (basename($file) === $headerFile) {
                $text = preg_replace('/^(\s*\*?\s*Version:\s+).*$/m', '${1}' . $version, $text, 1);
            }
            $zip->addFromString("$name/" . basename($file), $text);
        }
        $zip->addFromString("$name/licensing-keys.json", json_encode($jwks));
        $zip->addFile("$root/autoload.php", "$name/licensing-sdk/autoload.php");
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator("$root/src", \FilesystemIterator::SKIP_DOTS));
        foreach ($files as $file) {
            $zip->addFile($file->getPathname(), "$name/licensing-sdk/src/" . substr($file->getPathname(), strlen("$root/src/")));
        }
        $zip->close();
        return $zipPath;
    }
}
