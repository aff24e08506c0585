<?php

namespace Licensing\Tests\WordPress;

use Licensing\Tests\Support\Api;
use PHPUnit\Framework\TestCase;

/**
 * The same site turned into a network (runs last): the plugin network-activated, each site licensed with its own home
 * URL and its own options, the network's update check made with the main site's license, uninstall cleaning every site.
 */
final class MultisiteTest extends TestCase
{
    public function testEachSiteHasItsOwnLicenseAndTheNetworkUpdatesWithTheMainSites(): void
    {
        $network = Site::step('make-network');
        $this->assertTrue($network['ok'], (string) $network['error']);
        $second = Site::step('add-site', ['domain' => 'shop2.example']);
        $this->assertTrue($second['multisite']);
        $this->assertSame(2, $second['id']);

        $account = Api::call('POST', 'v1/accounts', ['name' => 'Network vendor', 'email' => 'network-vendor@example.com', 'tier' => 'business'],
            getenv('LICENSING_ADMIN_KEY'))['json'];
        $plan = ['id' => 'agency', 'name' => 'Agency', 'model' => 'subscription', 'durationDays' => 365, 'maxActivations' => 5, 'features' => ['reports']];
        Api::call('PUT', 'v1/products/licensed-sample-plugin', ['name' => 'Licensed Sample', 'plans' => [$plan]], $account['apiKey']);
        $key = Api::call('POST', 'v1/licenses', ['productId' => 'licensed-sample-plugin', 'customerEmail' => 'network@example.com', 'plan' => 'agency'],
            $account['apiKey'])['json']['licenseKey'];
        $jwks = Api::jwks();

        $install = Site::step('network-install-plugin', ['zip' => Site::pluginZip('1.0.0', $jwks)]);
        $this->assertTrue($install['installed'], implode("\n", $install['messages']));
        $this->assertTrue($install['networkActive']);

        $main = Site::step('site-activate', ['site' => 1, 'key' => $key]);
        $this->assertSame(['VALID', '127.0.0.1'], [$main['code'], $main['domain']]);
        $sites = Site::step('sites');
        $this->assertTrue($sites['1']['reports']);
        $this->assertFalse($sites['2']['reports'], 'the second site has no license of its own yet');
        $this->assertSame([], $sites['2']['options']);

        $release = Api::call('POST', 'v1/products/licensed-sample-plugin/releases', ['version' => '1.1.0', 'channel' => 'stable', 'changelog' => 'Network.'],
            $account['apiKey'])['json'];
        $this->assertContains(Site::put($release['uploadUrl'], (string) file_get_contents(Site::pluginZip('1.1.0', $jwks))), [200, 201]);
        Api::call('POST', "v1/products/licensed-sample-plugin/releases/{$release['id']}/uploaded", null, $account['apiKey']);
        $offer = Site::step('site-update-check', ['site' => 2])['response'];
        $this->assertSame('1.1.0', $offer['new_version'], "the network's update check, run from the second site, uses the main site's license");
        $this->assertStringStartsWith(Api::base() . 'v1/downloads/', $offer['package']);

        $this->assertSame(['VALID', 'shop2.example'], array_values(Site::step('site-activate', ['site' => 2, 'key' => $key])));
        $sites = Site::step('sites');
        $this->assertSame(['127.0.0.1', 'shop2.example'], [$sites['1']['domain'], $sites['2']['domain']], "each site activates with its own home URL");
        $this->assertTrue($sites['2']['reports']);
        $this->assertSame('no', $sites['2']['options']['licensing_licensed_sample_plugin_certificate']);

        $gone = Site::step('network-uninstall');
        $this->assertTrue($gone['deleted']);
        $this->assertSame(['1' => [], '2' => []], $gone['options']);
        $this->assertFalse($gone['update']);
        $this->assertSame([], Site::ourLogLines(), 'no PHP notice, warning or deprecation from the drop-in or the samples');
    }
}
