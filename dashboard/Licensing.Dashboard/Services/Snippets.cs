namespace Licensing.Dashboard.Services;

/// <summary>
/// The SDKs' ten-minute integrations (sdk/dotnet, sdk/js, sdk/php READMEs) filled in with this API's address and a
/// product id; each reads the pinned keys from <c>licensing-keys.json</c> (the JWKS the page shows, saved at build time).
/// </summary>
public static class Snippets
{
    public static string DotNet(Uri api, string productId) => $$"""
        using Licensing.Client;

        var client = new LicenseClient(new LicenseClientOptions
        {
            BaseUrl = new Uri("{{api.AbsoluteUri}}"),
            ProductId = "{{productId}}",
            PinnedJwks = File.ReadAllText("licensing-keys.json"),
            Store = new FileCertificateStore(Path.Combine(appData, "license")),
        });
        var state = await client.CheckAsync(licenseKey, fingerprint: machineId);
        if (!state.IsValid && state.Code == "FINGERPRINT_MISMATCH")
            state = await client.ActivateAsync(licenseKey, fingerprint: machineId, name: Environment.MachineName);
        """;

    public static string Js(Uri api, string productId) => $$"""
        import { createLicenseClient, localStorageStorage } from '@licensing/client';
        import jwks from './licensing-keys.json' with { type: 'json' };

        const client = createLicenseClient({
            baseUrl: '{{api.AbsoluteUri}}',
            productId: '{{productId}}',
            jwks,
            storage: localStorageStorage(),
        });
        let state = await client.check(licenseKey, { domain: location.hostname });
        if (state.code === 'DOMAIN_MISMATCH') state = await client.activate(licenseKey, { domain: location.hostname });
        """;

    public static string Php(Uri api, string productId) => $$"""
        require_once __DIR__ . '/licensing-sdk/autoload.php';

        $client = new \Licensing\LicenseClient([
            'baseUrl'   => '{{api.AbsoluteUri}}',
            'productId' => '{{productId}}',
            'jwks'      => __DIR__ . '/licensing-keys.json',
            'storage'   => $myStorage,
        ]);
        $state = $client->check($key, 'customer-site.com');
        if ($state->code === 'DOMAIN_MISMATCH') {
            $state = $client->activate($key, 'customer-site.com');
        }
        """;
}
