<?php

namespace Licensing\Tests;

use Licensing\Http\CurlTransport;
use Licensing\Http\StreamTransport;
use Licensing\LicenseClient;
use Licensing\MemoryStorage;
use Licensing\Tests\Support\Api;
use Licensing\Tests\Support\BrokenNetwork;
use Licensing\Tests\Support\CountingTransport;
use PHPUnit\Framework\TestCase;

/** The client against a local host: verdicts, certificates, offline grace, clock guard, re-validation. */
final class ClientTest extends TestCase
{
    private const DOMAIN = 'shop.example-customer.com';

    private static function client(array $jwks, array $options = []): LicenseClient
    {
        return new LicenseClient($options + ['baseUrl' => Api::base(), 'jwks' => $jwks]);
    }

    public function testValidatesOnlineWithCurlAndStreamsAndTheCertificateCarriesTheFeatures(): void
    {
        $lic = Api::license();
        foreach ([new CurlTransport(), new StreamTransport()] as $transport) {
            $client = self::client($lic['jwks'], ['transport' => $transport]);
            $s = $client->validate($lic['licenseKey'], 'https://www.shop.example-customer.com/');
            $this->assertSame('VALID', $s->code, $s->detail);
            $this->assertSame($lic['licenseId'], $s->certificate['sub']);
            $this->assertSame('pro', $s->plan());
            $this->assertTrue($client->hasFeature('export'));
            $this->assertFalse($client->hasFeature('white-label'));
        }
    }

    public function testAShortKeyIsCheckedByTheServerAndItsCertificateCarriesItOfflineForThatKeyOnly(): void
    {
        $lic = Api::license('typed', [], 'short');
        $key = $lic['licenseKey'];
        $this->assertMatchesRegularExpression('/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/', $key);
        $storage = new MemoryStorage();
        $s = self::client($lic['jwks'], ['storage' => $storage])->validate(strtolower($key), self::DOMAIN);
        $this->assertSame('VALID', $s->code, $s->detail);
        $this->assertSame($lic['licenseId'], $s->certificate['sub']);

        $offline = self::client($lic['jwks'], ['storage' => $storage, 'transport' => new BrokenNetwork(503)]);
        $kept = $offline->validate(strtolower($key), self::DOMAIN);
        $this->assertTrue($kept->valid && $kept->offline, $kept->detail);
        $other = $offline->validate(substr($key, 0, -1) . ($key[-1] === 'A' ? 'B' : 'A'), self::DOMAIN);
        $this->assertFalse($other->valid, $other->detail);
    }

    public function testOfflineItKeepsTheLastVerdictUntilTheCertificateExpiresAndFaultsAreNeverUnlicensed(): void
    {
        $lic = Api::license();
        $storage = new MemoryStorage();
        $t0 = time();
        $hour = 3600;
        $at = static function (int $t) {
            return static function () use ($t): int {
                return $t;
            };
        };
        $this->assertSame('VALID', self::client($lic['jwks'], ['storage' => $storage, 'now' => $at($t0)])->validate($lic['licenseKey'], self::DOMAIN)->code);

        $net = new BrokenNetwork(503);
        $fresh = self::client($lic['jwks'], ['storage' => $storage, 'now' => $at($t0 + $hour), 'transport' => $net])->check($lic['licenseKey'], self::DOMAIN);
        $this->assertTrue($fresh->valid);
        $this->assertFalse($fresh->offline);
        $this->assertSame(0, $net->requests, 'a fresh certificate answers without a request');

        foreach ([503, 429, 0] as $status) {
            $grace = self::client($lic['jwks'], ['storage' => $storage, 'now' => $at($t0 + 80 * $hour), 'transport' => new BrokenNetwork($status)])
                ->check($lic['licenseKey'], self::DOMAIN);
            $this->assertTrue($grace->valid, (string) $status);
            $this->assertTrue($grace->offline);
            $this->assertTrue($grace->hasFeature('export'));
        }
        $expired = self::client($lic['jwks'], ['storage' => $storage, 'now' => $at($t0 + 250 * $hour), 'transport' => new BrokenNetwork(503)])
            ->check($lic['licenseKey'], self::DOMAIN);
        $this->assertSame('CERTIFICATE_EXPIRED', $expired->code);
        $this->assertFalse($expired->valid);
        $this->assertFalse($expired->hasFeature('export'));
        $first = self::client($lic['jwks'], ['transport' => new BrokenNetwork(502)])->validate($lic['licenseKey']);
        $this->assertSame('UNREACHABLE', $first->code);
        $other = self::client($lic['jwks'], ['storage' => $storage, 'now' => $at($t0 + 80 * $hour), 'transport' => new BrokenNetwork(503)])
            ->check($lic['licenseKey'], 'another-site.example');
        $this->assertFalse($other->valid, 'a certificate answers only for the domain it was issued for');
    }

    public function testRevalidationWaitsForRevalidateAfterPlusAJitterWithinTheGrace(): void
    {
        $lic = Api::license('widget', ['revalidateAfterHours' => 24, 'offlineGraceHours' => 48]);
        $storage = new MemoryStorage();
        $client = self::client($lic['jwks'], ['storage' => $storage, 'revalidateJitterSeconds' => 7200]);
        $s = $client->validate($lic['licenseKey'], self::DOMAIN);
        $rva = $s->certificate['rva'];
        $this->assertEqualsWithDelta(time() + 24 * 3600, $rva, 120);
        $next = $client->nextRevalidation();
        $this->assertGreaterThanOrEqual($rva, $next);
        $this->assertLessThanOrEqual($rva + 7200, $next);

        $counted = new CountingTransport(new CurlTransport());
        $before = self::client($lic['jwks'], ['storage' => $storage, 'transport' => $counted, 'now' => static function () use ($next): int {
            return $next - 1;
        }]);
        $this->assertSame('VALID', $before->check($lic['licenseKey'], self::DOMAIN)->code);
        $this->assertSame([], $counted->urls);
        $due = self::client($lic['jwks'], ['storage' => $storage, 'transport' => $counted, 'now' => static function () use ($next): int {
            return $next;
        }]);
        $this->assertSame('VALID', $due->check($lic['licenseKey'], self::DOMAIN)->code);
        $this->assertSame([Api::base() . 'v1/validate'], $counted->urls);
    }

    public function testAClockSetBackBeforeTheLastCertificateIsDetected(): void
    {
        $lic = Api::license();
        $storage = new MemoryStorage();
        self::client($lic['jwks'], ['storage' => $storage])->validate($lic['licenseKey']);
        $s = self::client($lic['jwks'], ['storage' => $storage, 'transport' => new BrokenNetwork(503), 'now' => static function (): int {
            return time() - 2 * 86400;
        }])->check($lic['licenseKey']);
        $this->assertSame('CLOCK_TAMPERED', $s->code);
        $this->assertFalse($s->valid);
    }

    public function testRevocationIsRefusedOnlineAndDropsTheStoredCertificate(): void
    {
        $lic = Api::license();
        $storage = new MemoryStorage();
        $client = self::client($lic['jwks'], ['storage' => $storage]);
        $this->assertSame('VALID', $client->validate($lic['licenseKey'])->code);
        Api::call('POST', "v1/licenses/{$lic['licenseId']}/revoke", null, $lic['apiKey']);
        $this->assertSame('REVOKED', $client->validate($lic['licenseKey'])->code);
        $this->assertFalse($client->hasFeature('export'));
        $this->assertFalse(self::client($lic['jwks'], ['storage' => $storage, 'transport' => new BrokenNetwork(503)])->validate($lic['licenseKey'])->valid);
    }

    public function testActivatesAndDeactivatesADomain(): void
    {
        $lic = Api::license();
        $storage = new MemoryStorage();
        $client = self::client($lic['jwks'], ['storage' => $storage]);
        $a = $client->activate($lic['licenseKey'], 'second-site.example-customer.com');
        $this->assertSame('VALID', $a->code, $a->detail);
        $this->assertSame('second-site.example-customer.com', $a->certificate['domain']);
        $this->assertNotNull($storage->get('certificate'));
        $this->assertTrue($client->deactivate($lic['licenseKey'], 'second-site.example-customer.com'));
        $this->assertNull($storage->get('certificate'));
        $this->assertSame('ACTIVATION_LIMIT_REACHED', $this->fill($client, $lic['licenseKey']));
    }

    private function fill(LicenseClient $client, string $key): string
    {
        $client->activate($key, 'second-site.example-customer.com');
        return $client->activate($key, 'third-site.example-customer.com')->code;
    }

    public function testAForgedKeyIsRefusedWithoutARequest(): void
    {
        $lic = Api::license();
        $net = new BrokenNetwork(0);
        $client = self::client($lic['jwks'], ['transport' => $net]);
        $this->assertSame('NOT_FOUND', $client->validate('LK1.forged')->code);
        $changed = substr_replace($lic['licenseKey'], $lic['licenseKey'][70] === 'A' ? 'B' : 'A', 70, 1);
        $this->assertSame('NOT_FOUND', $client->validate($changed)->code);
        $this->assertSame(0, $net->requests);
    }

    public function testJwksCanBeAShippedFile(): void
    {
        $lic = Api::license();
        $file = tempnam(sys_get_temp_dir(), 'jwks') . '.json';
        file_put_contents($file, json_encode($lic['jwks']));
        try {
            $client = new LicenseClient(['baseUrl' => Api::base(), 'jwks' => $file]);
            $this->assertNotNull($client->verifyKey($lic['licenseKey']));
        } finally {
            unlink($file);
        }
    }
}
