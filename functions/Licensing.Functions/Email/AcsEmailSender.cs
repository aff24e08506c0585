using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Licensing.Domain.Email;

namespace Licensing.Functions.Email;

public sealed class AcsClientOptions : ClientOptions;

/// <summary>
/// Azure Communication Services Email over its REST API (<c>POST {endpoint}/emails:send?api-version=2023-03-31</c>),
/// on an Azure.Core pipeline, authenticated with a managed identity (scope https://communication.azure.com/.default)
/// or with the resource's access key (HMAC-SHA256: x-ms-date, host and x-ms-content-sha256 signed). Each send is a repeatable
/// request (<c>Repeatability-Request-Id</c>, <c>Repeatability-First-Sent</c>): the client's own retries of it are executed once.
/// </summary>
public sealed class AcsEmailSender : IEmailSender
{
    public const string ApiVersion = "2023-03-31";
    public const string Scope = "https://communication.azure.com/.default";

    /// <summary>How long a send that has begun may still take once the host is shutting down (it is not cancelled: see <see cref="IEmailSender"/>).</summary>
    public static readonly TimeSpan SendGrace = TimeSpan.FromSeconds(30);

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _sender;

    public AcsEmailSender(Uri endpoint, string sender, TokenCredential? credential, string? accessKey, AcsClientOptions? options = null)
    {
        _endpoint = endpoint;
        _sender = sender;
        HttpPipelinePolicy auth = accessKey is not null
            ? new HmacPolicy(Convert.FromBase64String(accessKey))
            : new BearerTokenAuthenticationPolicy(credential ?? throw new ArgumentNullException(nameof(credential)), Scope);
        _pipeline = HttpPipelineBuilder.Build(options ?? new AcsClientOptions(), auth);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            senderAddress = _sender,
            content = new { subject = message.Subject, plainText = message.Text, html = message.Html },
            recipients = new { to = new[] { new { address = message.To } } },
            headers = new Dictionary<string, string> { ["Message-ID"] = message.MessageId },
        });
        using var http = _pipeline.CreateMessage();
        http.Request.Method = RequestMethod.Post;
        http.Request.Uri.Reset(_endpoint);
        http.Request.Uri.AppendPath("/emails:send", escape: false);
        http.Request.Uri.AppendQuery("api-version", ApiVersion);
        http.Request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
        http.Request.Headers.Add("Operation-Id", OperationId(message.MessageId));
        // ACS's repeatable requests: the pipeline's retries resend this same request, headers and all, and ACS executes it once.
        http.Request.Headers.Add("Repeatability-Request-Id", Guid.NewGuid().ToString());
        http.Request.Headers.Add("Repeatability-First-Sent", DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture));
        http.Request.Content = RequestContent.Create(body);
        ct.ThrowIfCancellationRequested();
        // Once on its way the send is finished, not cancelled by a shutdown (which would report "not sent" for a message ACS may have
        // accepted); the grace bounds a service that stops answering.
        using var grace = new CancellationTokenSource(SendGrace);
        await _pipeline.SendAsync(http, grace.Token);
        if (http.Response.Status != 202) throw new RequestFailedException(http.Response);
    }

    private static string OperationId(string messageId) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)).AsSpan(0, 16)).ToString();

    /// <summary>
    /// ACS access-key auth: StringToSign = METHOD \n path-and-query \n x-ms-date;host;x-ms-content-sha256, signed
    /// with HMAC-SHA256 under the base64-decoded key; header
    /// <c>HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=…</c>.
    /// </summary>
    public sealed class HmacPolicy(byte[] key) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var request = message.Request;
            var content = Array.Empty<byte>();
            if (request.Content is not null)
            {
                using var buffer = new MemoryStream();
                request.Content.WriteTo(buffer, CancellationToken.None);
                content = buffer.ToArray();
            }
            var contentHash = Convert.ToBase64String(SHA256.HashData(content));
            var date = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
            var uri = request.Uri.ToUri();
            var host = uri.IsDefaultPort ? uri.Host : uri.Authority;
            var stringToSign = $"{request.Method.Method}\n{uri.PathAndQuery}\n{date};{host};{contentHash}";
            var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
            request.Headers.SetValue("x-ms-date", date);
            request.Headers.SetValue("x-ms-content-sha256", contentHash);
            request.Headers.SetValue(HttpHeader.Names.Authorization, $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}");
        }
    }
}
