namespace Licensing.Domain.Email;

public sealed record EmailMessage(string To, string Subject, string Text, string Html, string MessageId);

/// <summary>One sender interface; Azure Communication Services in Azure, SMTP (MailKit) locally.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}
