<?php

namespace Licensing\Tests;

use Licensing\Http\CurlTransport;
use Licensing\LicenseClient;
use Licensing\Tests\Support\Api;
use Licensing\Tests\Support\BrokenNetwork;
use PHPUnit\Framework\TestCase;

/** LicenseClient::checkForUpdate against POST /v1/updates/check. */
final class UpdateTest extends TestCase
{
    public function testANewerReleaseComesWithAPackageOnlyWhileTheLicenseValidates(): void
    {
        $lic = Api::license('updatable');
        $release = Api::call('POST', 'v1/products/updatable/releases', ['version' => '2.1.0', 'channel' => 'stable', 'changelog' => 'New.'], $lic['apiKey']);
        $this->assertSame(201, $release['status'], json_encode($release['json']));
        $client = new LicenseClient(['baseUrl' => Api::base(), 'jwks' => $lic['jwks']]);
        $early = $client->checkForUpdate($lic['licenseKey'], '2.0.0', 'shop.example-customer.com');
        $this->assertFalse($early['updateAvailable'], 'not offered before its package is uploaded');

        $put = (new CurlTransport())->send('PUT', $release['json']['uploadUrl'], ['x-ms-blob-type' => 'BlockBlob'], 'PK' . str_repeat("\0", 64));
        $this->assertContains($put->status, [200, 201]);
        Api::call('POST', "v1/products/updatable/releases/{$release['json']['id']}/uploaded", null, $lic['apiKey']);

        $offer = $client->checkForUpdate($lic['licenseKey'], '2.0.0', 'shop.example-customer.com');
        $this->assertTrue($offer['updateAvailable']);
        $this->assertSame('2.1.0', $offer['version']);
        $this->assertSame('VALID', $offer['code']);
        $this->assertStringStartsWith(Api::base() . 'v1/downloads/', $offer['package']);
        $this->assertFalse($client->checkForUpdate($lic['licenseKey'], '2.1.0', 'shop.example-customer.com')['updateAvailable']);

        Api::call('POST', "v1/licenses/{$lic['licenseId']}/revoke", null, $lic['apiKey']);
        $refused = $client->checkForUpdate($lic['licenseKey'], '2.0.0', 'shop.example-customer.com');
        $this->assertNull($refused['package']);
        $this->assertSame('REVOKED', $refused['code']);

        $offline = new LicenseClient(['baseUrl' => Api::base(), 'jwks' => $lic['jwks'], 'transport' => new BrokenNetwork(503)]);
        $this->assertNull($offline->checkForUpdate($lic['licenseKey'], '2.0.0', 'shop.example-customer.com'), 'an outage is no answer, not "no update"');
    }
}
