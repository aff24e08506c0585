<?php

namespace Licensing\Tests\WordPress;

use Licensing\Tests\Support\Api;
use PHPUnit\Framework\TestCase;

/**
 * The sample plugin in a real WordPress (Debian's package, MariaDB, php -S) against a real licensing host: the
 * settings page, the gated feature, licensed updates through WordPress's own update check and upgrader, revocation,
 * re-validation on WP-Cron, and uninstall. The steps build on each other, in order.
 */
final class WordPressTest extends TestCase
{
    private const PLUGIN = 'licensed-sample-plugin/licensed-sample-plugin.php';
    private const PAGE = '/wp-admin/options-general.php?page=licensed-sample-plugin-license';

    /** @var array{apiKey: string, accountId: string, licenseKey: string, licenseId: string, jwks: array} */
    private static $vendor;

    public static function setUpBeforeClass(): void
    {
        $admin = getenv('LICENSING_ADMIN_KEY');
        $account = Api::call('POST', 'v1/accounts', ['name' => 'WP vendor', 'email' => 'wp-vendor@example.com', 'tier' => 'business'], $admin)['json'];
        $plan = ['id' => 'pro', 'name' => 'Pro', 'model' => 'subscription', 'durationDays' => 10, 'maxActivations' => 1,
            'features' => ['reports'], 'revalidateAfterHours' => 24, 'offlineGraceHours' => 72];
        $product = Api::call('PUT', 'v1/products/licensed-sample-plugin', ['name' => 'Licensed Sample', 'plans' => [$plan]], $account['apiKey']);
        self::assertSame(201, $product['status'], json_encode($product['json']));
        $license = Api::call('POST', 'v1/licenses', ['productId' => 'licensed-sample-plugin', 'customerEmail' => 'wp-customer@example.com', 'plan' => 'pro'],
            $account['apiKey'])['json'];
        self::$vendor = ['apiKey' => $account['apiKey'], 'accountId' => $account['accountId'], 'licenseKey' => $license['licenseKey'],
            'licenseId' => $license['licenseId'], 'jwks' => Api::jwks()];
    }

    public function testWordPressInstallsAndThePluginInstallsThroughItsUpgrader(): void
    {
        $install = Site::step('install');
        $this->assertSame(1, $install['userId']);
        $plugin = Site::step('install-plugin', ['zip' => Site::pluginZip('1.0.0', self::$vendor['jwks'])]);
        $this->assertTrue($plugin['installed'], implode("\n", $plugin['messages']));
        $this->assertTrue($plugin['activated']);
        $this->assertTrue($plugin['scheduled'], 'the daily re-validation is on WP-Cron');
        $state = Site::step('state');
        $this->assertFalse($state['reports']);
        $this->assertStringContainsString('licensed-sample-locked', $state['shortcode']);
    }

    /** @depends testWordPressInstallsAndThePluginInstallsThroughItsUpgrader */
    public function testTheSettingsPageActivatesWithANonceForManagersOnly(): void
    {
        Site::login('admin', 'admin-password');
        Site::login('editor', 'editor-password');
        $page = Site::http('GET', self::PAGE);
        $this->assertSame(200, $page['status']);
        $this->assertStringContainsString('data-code="NONE"', $page['body']);
        $nonce = self::nonce($page['body']);
        $action = 'licensing_licensed_sample_plugin_activate';
        $key = self::$vendor['licenseKey'];

        $this->assertSame(403, Site::http('POST', '/wp-admin/admin-post.php', ['action' => $action, 'license_key' => $key])['status'], 'no nonce');
        $editor = Site::http('POST', '/wp-admin/admin-post.php', ['action' => $action, '_wpnonce' => $nonce, 'license_key' => $key], 'editor');
        $this->assertSame(403, $editor['status']);
        $this->assertNotSame(200, Site::http('GET', self::PAGE, null, 'editor')['status']);
        $this->assertNull(Site::step('state')['code'], 'nothing was saved');

        $wrong = Site::http('POST', '/wp-admin/admin-post.php', ['action' => $action, '_wpnonce' => $nonce, 'license_key' => substr($key, 0, -1)]);
        $this->assertSame(302, $wrong['status']);
        $this->assertStringContainsString('licensing-result=not_found', strtolower((string) $wrong['location']));
        $this->assertStringContainsString('not recognised', Site::http('GET', self::PAGE . '&licensing-result=NOT_FOUND')['body']);

        $ok = Site::http('POST', '/wp-admin/admin-post.php', ['action' => $action, '_wpnonce' => $nonce, 'license_key' => $key]);
        $this->assertSame(302, $ok['status']);
        $this->assertStringContainsString('licensing-result=valid', strtolower((string) $ok['location']));
        $shown = Site::http('GET', self::PAGE)['body'];
        $this->assertStringContainsString('data-code="VALID"', $shown);
        $this->assertStringContainsString(substr($key, 0, 8) . '…' . substr($key, -4), $shown);
        $this->assertStringNotContainsString($key, $shown, 'the key is masked');
        $this->assertMatchesRegularExpression('#<th scope="row">Features</th><td>reports</td>#', $shown);
        $this->assertMatchesRegularExpression('#<th scope="row">Plan</th><td>pro</td>#', $shown);
        $this->assertStringContainsString('licensing_licensed_sample_plugin_deactivate', $shown);

        // Deactivate (the form's own nonce), then activate again.
        $off = Site::http('POST', '/wp-admin/admin-post.php', ['action' => 'licensing_licensed_sample_plugin_deactivate', '_wpnonce' => self::nonce($shown)]);
        $this->assertStringContainsString('licensing-result=deactivated', strtolower((string) $off['location']));
        $this->assertNull(Site::step('state')['code']);
        $this->assertArrayNotHasKey('licensing_licensed_sample_plugin_certificate', Site::step('state')['options']);
        $fresh = self::nonce(Site::http('GET', self::PAGE)['body']);
        $again = Site::http('POST', '/wp-admin/admin-post.php', ['action' => $action, '_wpnonce' => $fresh, 'license_key' => $key]);
        $this->assertStringContainsString('licensing-result=valid', strtolower((string) $again['location']));

        $state = Site::step('state');
        $this->assertTrue($state['reports']);
        $this->assertStringContainsString('licensed-sample-report', $state['shortcode']);
        $this->assertSame('no', $state['options']['licensing_licensed_sample_plugin_certificate'], 'the certificate is not autoloaded');
        $this->assertSame('no', $state['options']['licensing_licensed_sample_plugin_key']);
        $this->assertSame('127.0.0.1', $state['certificate']['domain'], "activated with the site's home URL");
        $this->assertTrue($state['certificate']['dev'], 'a loopback test site is a development host');
        $this->assertStringContainsString('data-licensing="EXPIRING"', Site::http('GET', '/wp-admin/')['body'], 'a 10-day license is about to expire');
    }

    /** @depends testTheSettingsPageActivatesWithANonceForManagersOnly */
    public function testThePagesStringsAreTranslatedWithTheSdksTextDomain(): void
    {
        $mo = Site::mo(['Status' => 'Zustand', 'Your license is active on this site.' => 'Ihre Lizenz ist auf dieser Website aktiv.']);
        $this->assertSame('de_DE', Site::step('set-locale', ['locale' => 'de_DE', 'mo' => base64_encode($mo)])['locale']);
        $page = Site::http('GET', self::PAGE)['body'];
        $this->assertStringContainsString('<th scope="row">Zustand</th>', $page);
        $this->assertStringContainsString('Ihre Lizenz ist auf dieser Website aktiv.', $page);
        Site::step('set-locale', ['locale' => '']);
        $this->assertStringContainsString('<th scope="row">Status</th>', Site::http('GET', self::PAGE)['body']);
        $pot = (string) file_get_contents(__DIR__ . '/../../sdk/php/languages/licensing-sdk.pot');
        $this->assertStringContainsString('msgid "Your license is active on this site."', $pot, 'the template lists the strings');
    }

    /** @depends testThePagesStringsAreTranslatedWithTheSdksTextDomain */
    public function testPageLoadsAskTheLicensingServiceNothing(): void
    {
        Site::step('requests', ['reset' => true]);
        foreach (['/', '/wp-admin/', self::PAGE, '/wp-admin/profile.php', '/wp-admin/edit.php'] as $path) {
            $this->assertSame(200, Site::http('GET', $path)['status'], $path);
        }
        $this->assertTrue(Site::step('state')['reports']);
        $this->assertSame([], Site::step('requests')['paths'], 'the stored certificate answers; no request per page load');
        Site::step('update-check', ['forget' => true, 'force' => true]);
        $this->assertSame(['v1/updates/check'], Site::step('requests')['paths'],
            "WordPress's update check makes one request, however often it writes its transient");
    }

    /** @depends testPageLoadsAskTheLicensingServiceNothing */
    public function testAnUnreachableServiceKeepsTheFeatureUntilTheCertificatesGraceEnds(): void
    {
        $state = Site::step('state');
        $certificate = $state['certificate'];

        // Past revalidateAfter with the service down: the cron event tries, the certificate keeps the feature on.
        Site::step('set-clock', ['offset' => $state['nextRevalidation'] - $state['now'] + 60, 'offline' => true]);
        Site::step('cron-due');
        $this->assertSame(200, Site::http('GET', '/wp-cron.php?doing_wp_cron')['status']);
        $down = Site::step('state');
        $this->assertTrue($down['reports'], 'an outage is not a verdict');
        $this->assertSame('VALID', $down['verdict']['code']);

        // Past the certificate's exp (the plan's offline grace): the feature is off until the service answers again.
        Site::step('set-clock', ['offset' => $certificate['exp'] - $state['now'] + 60, 'offline' => true]);
        $late = Site::step('state');
        $this->assertFalse($late['reports']);
        $this->assertSame('CERTIFICATE_EXPIRED', $late['code']);
        $this->assertStringContainsString('data-licensing="CERTIFICATE_EXPIRED"', Site::http('GET', '/wp-admin/')['body']);

        Site::step('set-clock', ['offset' => 0, 'offline' => false]);
        $this->assertTrue(Site::step('state')['reports']);
    }

    /** @depends testAnUnreachableServiceKeepsTheFeatureUntilTheCertificatesGraceEnds */
    public function testWordPressOffersTheNewReleaseAndItsUpgraderInstallsItFromTheSignedPackageUrl(): void
    {
        $before = Site::step('update-check', ['forget' => true, 'force' => true]);
        $this->assertNull($before['response']);
        $this->assertSame('1.0.0', $before['noUpdate']['new_version'], 'no_update is filled, so the auto-update toggle shows');

        self::publish('1.1.0', "Reports by month.\n\nFixes the export of empty reports.");
        $check = Site::step('update-check', ['forget' => true, 'force' => true]);
        $offer = $check['response'];
        $this->assertNotNull($offer, json_encode($check));
        $this->assertSame('1.1.0', $offer['new_version']);
        $this->assertStringStartsWith(Api::base() . 'v1/downloads/', $offer['package']);
        $this->assertSame(['6.1', '5.8', '7.4'], [$offer['tested'], $offer['requires'], $offer['requires_php']]);
        $this->assertNull($check['noUpdate']);
        $this->assertSame(['1.1.0', $offer['package']], [$check['updateUri']['new_version'], $check['updateUri']['package']], 'update_plugins_{hostname}');

        $info = Site::step('plugin-info');
        $this->assertSame('1.1.0', $info['version']);
        $this->assertStringContainsString('Reports by month.', $info['sections']['changelog']);
        $this->assertStringContainsString('<p>Reports by month.</p>', $info['sections']['changelog'], 'the service\'s HTML, not escaped again');
        $this->assertSame($offer['package'], $info['download_link']);

        $upgrade = Site::step('upgrade');
        $this->assertTrue($upgrade["result"], json_encode($upgrade));
        $this->assertSame('1.1.0', $upgrade['version']);
        $this->assertTrue($upgrade['active']);
        $this->assertTrue(Site::step('state')['reports'], 'the license carries over the update');
        $after = Site::step('update-check', ['forget' => true, 'force' => true]);
        $this->assertNull($after['response']);
        $this->assertSame('1.1.0', $after['noUpdate']['new_version']);
    }

    /** @depends testWordPressOffersTheNewReleaseAndItsUpgraderInstallsItFromTheSignedPackageUrl */
    public function testEddsOwnUpdaterPointedAtTheCompatibilityEndpointGetsTheSameUpdate(): void
    {
        $store = Api::base() . 'v1/compat/edd/' . self::$vendor['accountId'];
        $this->assertTrue(Site::step('install-edd-fixture', ['storeUrl' => $store, 'license' => self::$vendor['licenseKey']])['activated']);
        $edd = Site::step('update-check', ['forget' => true, 'force' => true])['edd'];
        $this->assertNotNull($edd, 'EDD_SL_Plugin_Updater put its plugin in the update transient');
        $this->assertSame('1.1.0', $edd['new_version']);
        $this->assertStringStartsWith(Api::base() . 'v1/downloads/', $edd['package']);
        $this->assertSame('1.1.0', Site::step('download', ['url' => $edd['package']])['version'], "EDD's package is the release's zip");
    }

    /** @depends testEddsOwnUpdaterPointedAtTheCompatibilityEndpointGetsTheSameUpdate */
    public function testRevocationSwitchesTheFeatureOffAtTheNextRevalidationOnWpCron(): void
    {
        self::publish('1.2.0', 'More reports.');
        Api::call('POST', 'v1/licenses/' . self::$vendor['licenseId'] . '/revoke', null, self::$vendor['apiKey']);
        $check = Site::step('update-check', ['forget' => true, 'force' => true]);
        $this->assertSame('1.2.0', $check['response']['new_version'], 'the release is shown');
        $this->assertSame('', $check['response']['package'], 'but a revoked license gets no package');
        $this->assertStringContainsString('revoked', $check['response']['upgrade_notice']);

        // The daily event runs, but revalidateAfter has not passed: no request, the certificate still speaks.
        Site::step('requests', ['reset' => true]);
        Site::step('cron-due');
        $this->assertSame(200, Site::http('GET', '/wp-cron.php?doing_wp_cron')['status']);
        $state = Site::step('state');
        $this->assertTrue($state['reports'], 'within revalidateAfter the stored certificate answers');
        $this->assertSame('VALID', $state['verdict']['code']);
        $this->assertNotContains('v1/validate', Site::step('requests')['paths']);
        $this->assertFalse($state['scheduled'] <= $state['now'], 'the event was rescheduled for tomorrow');

        // A day later (past revalidateAfter and its jitter) the same event asks the server.
        Site::step('set-clock', ['offset' => $state['nextRevalidation'] - $state['now'] + 1]);
        Site::step('cron-due');
        $this->assertSame(200, Site::http('GET', '/wp-cron.php?doing_wp_cron')['status']);
        $state = Site::step('state');
        $this->assertContains('v1/validate', Site::step('requests')['paths'], 'now it asks');
        $this->assertFalse($state['reports']);
        $this->assertSame('REVOKED', $state['code']);
        $this->assertStringContainsString('licensed-sample-locked', $state['shortcode']);
        $this->assertArrayNotHasKey('licensing_licensed_sample_plugin_certificate', $state['options']);
        $admin = Site::http('GET', '/wp-admin/')['body'];
        $this->assertStringContainsString('data-licensing="REVOKED"', $admin);
        $this->assertStringContainsString('has been revoked', $admin);
    }

    /** @depends testRevocationSwitchesTheFeatureOffAtTheNextRevalidationOnWpCron */
    public function testUninstallRemovesEverythingTheDropInStored(): void
    {
        $r = Site::step('uninstall');
        $this->assertTrue($r['deleted']);
        $this->assertSame([], $r['options']);
        $this->assertFalse($r['update']);
        $this->assertFalse($r['scheduled']);
        $this->assertSame([], Site::ourLogLines(), 'no PHP notice, warning or deprecation from the drop-in or the sample');
    }

    /** Publishes $version of the sample plugin: the release, then its zip PUT to the upload URL. */
    private static function publish(string $version, string $changelog): void
    {
        $release = Api::call('POST', 'v1/products/licensed-sample-plugin/releases', ['version' => $version, 'channel' => 'stable',
            'changelog' => $changelog, 'requiresWp' => '5.8', 'testedWp' => '6.1', 'requiresPhp' => '7.4'], self::$vendor['apiKey']);
        self::assertSame(201, $release['status'], json_encode($release['json']));
        self::assertFalse($release['json']['packageUploaded']);
        $zip = (string) file_get_contents(Site::pluginZip($version, self::$vendor['jwks']));
        $put = Site::put($release['json']['uploadUrl'], $zip);
        self::assertContains($put, [200, 201], 'package upload');
        $uploaded = Api::call('POST', 'v1/products/licensed-sample-plugin/releases/' . $release['json']['id'] . '/uploaded', null, self::$vendor['apiKey']);
        self::assertSame(200, $uploaded['status'], json_encode($uploaded['json']));
        self::assertTrue($uploaded['json']['packageUploaded']);
    }

    private static function nonce(string $html): string
    {
        if (!preg_match('/name="_wpnonce" value="([0-9a-f]+)"/', $html, $m)) {
            throw new \RuntimeException('no nonce on the page');
        }
        return $m[1];
    }
}
