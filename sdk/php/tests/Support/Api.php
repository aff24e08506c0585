<?php

namespace Licensing\Tests\Support;

use Licensing\Http\CurlTransport;

/** The test's own calls to the host: admin and account API (LICENSING_API, LICENSING_ADMIN_KEY). */
final class Api
{
    public static function base(): string
    {
        $api = getenv('LICENSING_API');
        if (!$api || !getenv('LICENSING_ADMIN_KEY')) {
            throw new \RuntimeException('set LICENSING_API and LICENSING_ADMIN_KEY (scripts/test.sh does)');
        }
        return rtrim($api, '/') . '/';
    }

    /** @return array{status: int, json: array|null} */
    public static function call(string $method, string $path, ?array $body = null, ?string $bearer = null): array
    {
        $headers = ['Content-Type' => 'application/json'] + ($bearer !== null ? ['Authorization' => 'Bearer ' . $bearer] : []);
        $r = (new CurlTransport(30))->send($method, self::base() . $path, $headers, $body === null ? null : json_encode($body));
        return ['status' => $r->status, 'json' => $r->json()];
    }

    public static function jwks(): array
    {
        return self::call('GET', 'v1/keys')['json'];
    }

    /**
     * A fresh account with product $productId and one license bound to shop.example-customer.com.
     *
     * @return array{apiKey: string, accountId: string, licenseKey: string, licenseId: string, jwks: array}
     */
    public static function license(string $productId = 'widget', array $plan = [], string $keyFormat = 'signed'): array
    {
        $account = self::call('POST', 'v1/accounts', ['name' => 'PHP', 'email' => 'php-sdk@example.com', 'tier' => 'business'], getenv('LICENSING_ADMIN_KEY'));
        $apiKey = $account['json']['apiKey'];
        $plan += ['id' => 'pro', 'name' => 'Pro', 'model' => 'subscription', 'durationDays' => 365, 'maxActivations' => 2, 'features' => ['export']];
        self::call('PUT', 'v1/products/' . $productId, ['name' => 'Widget', 'keyFormat' => $keyFormat, 'plans' => [$plan]], $apiKey);
        $l = self::call('POST', 'v1/licenses', ['productId' => $productId, 'customerEmail' => 'c@example.com', 'plan' => 'pro',
            'domains' => ['shop.example-customer.com']], $apiKey);
        if ($l['status'] !== 201) {
            throw new \RuntimeException('license not created: ' . json_encode($l));
        }
        return ['apiKey' => $apiKey, 'accountId' => $account['json']['accountId'], 'licenseKey' => $l['json']['licenseKey'],
            'licenseId' => $l['json']['licenseId'], 'jwks' => self::jwks()];
    }
}
