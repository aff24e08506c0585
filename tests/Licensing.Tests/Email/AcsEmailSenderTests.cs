using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Domain.Email;
using Licensing.Functions.Email;
using Licensing.Tests.Signing;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Licensing.Tests.Email;

/// <summary>
/// The ACS e-mail client against a local HTTPS fake that checks requests as the service does: path, api-version,
/// the body, and the auth — recomputing the HMAC-SHA256 signature from the access key, or checking the bearer token.
/// </summary>
public sealed class AcsEmailSenderTests : IAsyncLifetime
{
    private static readonly byte[] AccessKey = RandomNumberGenerator.GetBytes(64);
    private LocalServer _server = null!;
    private readonly ConcurrentQueue<string> _accepted = new();
    private readonly ConcurrentQueue<string> _rejected = new();
    private readonly ConcurrentQueue<(string Id, string FirstSent)> _repeatability = new();
    private int _unavailableFirst;

    private static readonly EmailMessage Message = new("customer@example.com", "Your key", "plain <text>", "<p>html &amp;</p>", "<license-1@licensing>");

    private Uri Endpoint => _server.Uri;

    public async Task InitializeAsync() =>
        _server = await LocalServer.StartHttpsAsync(async context =>
            await (context.Request.Method == "POST" && context.Request.Path == "/emails:send" ? await Handle(context) : Reject("route")).ExecuteAsync(context));

    private async Task<IResult> Handle(HttpContext context)
    {
        var request = context.Request;
        // Repeatable requests as ACS takes them: a GUID and an IMF-fixdate within the 5 minutes it tracks, else 400 / 412.
        var (id, firstSent) = (request.Headers["Repeatability-Request-Id"].ToString(), request.Headers["Repeatability-First-Sent"].ToString());
        _repeatability.Enqueue((id, firstSent));
        if (!Guid.TryParse(id, out _) || !DateTimeOffset.TryParseExact(firstSent, "r", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var sentAt))
            return Reject("repeatability", StatusCodes.Status400BadRequest);
        if (Math.Abs((DateTimeOffset.UtcNow - sentAt).TotalMinutes) > 5) return Reject("repeatability window", StatusCodes.Status412PreconditionFailed);
        if (Interlocked.Exchange(ref _unavailableFirst, 0) == 1) return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (request.Query["api-version"] != AcsEmailSender.ApiVersion) return Reject("api-version");
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("HMAC-SHA256 ", StringComparison.Ordinal))
        {
            var hash = Convert.ToBase64String(SHA256.HashData(body));
            if (request.Headers["x-ms-content-sha256"] != hash) return Reject("content hash");
            var date = request.Headers["x-ms-date"].ToString();
            if (!DateTimeOffset.TryParse(date, out var at) || Math.Abs((DateTimeOffset.UtcNow - at).TotalMinutes) > 5) return Reject("date");
            var toSign = $"POST\n{request.Path}{request.QueryString}\n{date};{request.Host};{hash}";
            var expected = Convert.ToBase64String(HMACSHA256.HashData(AccessKey, Encoding.UTF8.GetBytes(toSign)));
            if (auth != $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={expected}") return Reject("signature");
        }
        else if (auth != "Bearer " + FakeKeyVault.Token)
        {
            return Reject("auth");
        }
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (root.GetProperty("senderAddress").GetString() != "DoNotReply@acme.example"
            || root.GetProperty("recipients").GetProperty("to")[0].GetProperty("address").GetString() != Message.To
            || root.GetProperty("content").GetProperty("subject").GetString() != Message.Subject
            || root.GetProperty("content").GetProperty("plainText").GetString() != Message.Text
            || root.GetProperty("content").GetProperty("html").GetString() != Message.Html
            || string.IsNullOrEmpty(request.Headers["Operation-Id"]))
            return Reject("body");
        _accepted.Enqueue(auth.Split(' ')[0]);
        context.Response.Headers["Operation-Location"] =
            $"{Endpoint}emails/operations/{request.Headers["Operation-Id"]}?api-version={AcsEmailSender.ApiVersion}";
        return Results.Json(new { id = request.Headers["Operation-Id"].ToString(), status = "Running" }, statusCode: 202);
    }

    private IResult Reject(string what, int status = StatusCodes.Status401Unauthorized)
    {
        _rejected.Enqueue(what);
        return Results.Json(new { error = new { code = "Denied", message = what } }, statusCode: status);
    }

    private AcsClientOptions Options(int retries = 0)
    {
        var options = _server.ClientOptions<AcsClientOptions>(retries);
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        return options;
    }

    [Fact]
    public async Task Sends_with_an_access_key_signed_as_the_service_recomputes_it()
    {
        var sender = new AcsEmailSender(Endpoint, "DoNotReply@acme.example", null, Convert.ToBase64String(AccessKey), Options());
        await sender.SendAsync(Message, default);
        Assert.Equal(["HMAC-SHA256"], _accepted);
        Assert.Empty(_rejected);
    }

    [Fact]
    public async Task Sends_with_a_managed_identity_token()
    {
        var sender = new AcsEmailSender(Endpoint, "DoNotReply@acme.example", new FakeCredential(), null, Options());
        await sender.SendAsync(Message, default);
        Assert.Equal(["Bearer"], _accepted);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_surfaces_as_a_failure()
    {
        var sender = new AcsEmailSender(Endpoint, "DoNotReply@acme.example", null, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)), Options());
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => sender.SendAsync(Message, default));
        Assert.Equal(["signature"], _rejected);
    }

    [Fact]
    public async Task A_send_the_client_retries_is_one_repeatable_request()
    {
        _unavailableFirst = 1;
        var sender = new AcsEmailSender(Endpoint, "DoNotReply@acme.example", null, Convert.ToBase64String(AccessKey), Options(retries: 1));
        await sender.SendAsync(Message, default);
        await sender.SendAsync(Message, default);
        var (first, retry, next) = (_repeatability.ElementAt(0), _repeatability.ElementAt(1), _repeatability.ElementAt(2));
        Assert.Equal(first, retry); // the client's retry after the 503: the same request as far as ACS can tell
        Assert.NotEqual(first.Id, next.Id); // another send is another request
        Assert.Equal(["HMAC-SHA256", "HMAC-SHA256"], _accepted);
        Assert.Empty(_rejected);
    }

    [Fact]
    public async Task A_shutdown_before_the_send_begins_cancels_it_and_sends_nothing()
    {
        var sender = new AcsEmailSender(Endpoint, "DoNotReply@acme.example", null, Convert.ToBase64String(AccessKey), Options());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Message, new CancellationToken(canceled: true)));
        Assert.Empty(_repeatability);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
