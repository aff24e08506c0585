<?php

namespace Licensing\Tests\WordPress;

use Licensing\Tests\Support\Api;
use PHPUnit\Framework\TestCase;

/** The sample theme on the same site: registered from functions.php, updated through the theme update transient. */
final class ThemeTest extends TestCase
{
    public function testAThemeIsLicensedAndUpdatedThroughWordPresssThemeUpdates(): void
    {
        $account = Api::call('POST', 'v1/accounts', ['name' => 'Theme vendor', 'email' => 'theme-vendor@example.com', 'tier' => 'business'],
            getenv('LICENSING_ADMIN_KEY'))['json'];
        $plan = ['id' => 'studio', 'name' => 'Studio', 'model' => 'subscription', 'durationDays' => 365, 'maxActivations' => 3, 'features' => ['white-label']];
        Api::call('PUT', 'v1/products/licensed-sample-theme', ['name' => 'Licensed Sample Theme', 'plans' => [$plan]], $account['apiKey']);
        $license = Api::call('POST', 'v1/licenses', ['productId' => 'licensed-sample-theme', 'customerEmail' => 'theme-customer@example.com',
            'plan' => 'studio'], $account['apiKey'])['json'];
        $jwks = Api::jwks();

        $install = Site::step('install-theme', ['zip' => Site::themeZip('1.0.0', $jwks)]);
        $this->assertTrue($install['installed'], implode("\n", $install['messages']));
        $this->assertSame('licensed-sample-theme', $install['active']);
        $activated = Site::step('theme-activate', ['key' => $license['licenseKey']]);
        $this->assertSame('VALID', $activated['code']);
        $this->assertSame('', $activated['credit'], 'the paid feature is on');
        $this->assertTrue($activated['scheduled']);
        $this->assertSame(200, Site::http('GET', '/wp-admin/options-general.php?page=licensed-sample-theme-license')['status']);

        $none = Site::step('theme-update-check', ['force' => true]);
        $this->assertNull($none['response']);
        $this->assertSame('1.0.0', $none['noUpdate']['new_version']);

        $release = Api::call('POST', 'v1/products/licensed-sample-theme/releases',
            ['version' => '1.1.0', 'channel' => 'stable', 'changelog' => 'Darker footer.'], $account['apiKey'])['json'];
        $this->assertContains(Site::put($release['uploadUrl'], (string) file_get_contents(Site::themeZip('1.1.0', $jwks))), [200, 201]);
        Api::call('POST', "v1/products/licensed-sample-theme/releases/{$release['id']}/uploaded", null, $account['apiKey']);

        $offer = Site::step('theme-update-check', ['force' => true])['response'];
        $this->assertSame('1.1.0', $offer['new_version']);
        $this->assertStringStartsWith(Api::base() . 'v1/downloads/', $offer['package']);
        $upgrade = Site::step('theme-upgrade');
        $this->assertTrue($upgrade['result'], json_encode($upgrade));
        $this->assertSame('1.1.0', $upgrade['version']);
        $this->assertSame('licensed-sample-theme', $upgrade['active']);
        $this->assertSame('', $upgrade['credit']);
        $this->assertSame([], Site::ourLogLines(), 'no PHP notice, warning or deprecation from the drop-in or the sample theme');
    }
}
