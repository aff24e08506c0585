using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Support;

/// <summary>
/// A loopback server on a free port for the tests' local fakes of outside services: plain HTTP
/// (<see cref="StartHttpAsync"/>), or HTTPS with a throwaway certificate (<see cref="StartHttpsAsync"/>) for fakes of
/// Azure services, whose clients refuse bearer tokens over plain HTTP. <see cref="ClientOptions{T}"/> gives an
/// Azure.Core client a transport that trusts exactly the HTTPS server's certificate.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2? _certificate;

    private LocalServer(WebApplication app, X509Certificate2? certificate, Uri uri)
    {
        _app = app;
        _certificate = certificate;
        Uri = uri;
    }

    public Uri Uri { get; }

    public static Task<LocalServer> StartHttpAsync(RequestDelegate handler) => StartAsync(handler, certificate: null);

    public static Task<LocalServer> StartHttpsAsync(RequestDelegate handler) => StartAsync(handler, SelfSigned());

    private static async Task<LocalServer> StartAsync(RequestDelegate handler, X509Certificate2? certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            if (certificate is not null) o.UseHttps(certificate);
        }));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalServer(app, certificate, new Uri(address));
    }

    public T ClientOptions<T>(int retries = 0) where T : ClientOptions, new()
    {
        var thumbprint = (_certificate ?? throw new InvalidOperationException("a plain HTTP server has no certificate to trust")).Thumbprint;
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint };
        var options = new T { Transport = new HttpClientTransport(new HttpClient(handler)) };
        options.Retry.MaxRetries = retries;
        return options;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate?.Dispose();
    }
}
