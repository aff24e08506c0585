using System.Net;
using System.Text.RegularExpressions;
using Licensing.Cli;
using Licensing.Tests.Accounts;
using Licensing.Tests.Support;

namespace Licensing.Tests.Cli;

/// <summary><c>licensing login --link</c>: the sign-in e-mail's link, exchanged by the CLI for a session it saves (local host + smtp4dev).</summary>
public sealed partial class CliLoginLinkTests
{
    [GeneratedRegex(@"https?://\S+token=lsi_[A-Za-z0-9_-]+")]
    private static partial Regex Link();

    [Fact]
    public async Task The_link_from_the_sign_up_e_mail_signs_the_cli_in_with_a_session_saved_readable_by_the_user_only()
    {
        await Smtp4dev.RequireAsync();
        await using var host = await AccountTestKit.StartAsync();
        var address = AccountTestKit.NewAddress("cli-link");
        Assert.Equal(HttpStatusCode.Accepted, (await host.PostAsync("v1/signup", new { email = address, name = "CLI Co" })).Status);
        var (text, _) = await AccountTestKit.NextLinkAsync(address, new HashSet<string>());
        var link = Link().Match(text);
        Assert.True(link.Success, "no whole link in: " + text);

        using var cli = new CliRunner(host.BaseAddress);
        cli.Variables.Remove("LICENSING_API_KEY");
        var login = (await cli.RunAsync("login", "--link", link.Value, "--url", host.BaseAddress.AbsoluteUri, "--json")).Ok();
        Assert.Equal("session", login.Json.GetProperty("kind").GetString());
        var accountId = login.Json.GetProperty("accountId").GetString();
        Assert.StartsWith("acct_", accountId, StringComparison.Ordinal);
        Assert.True(login.Json.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        var file = Profile.PathIn(cli.ConfigDirectory);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var saved = Profile.Load(cli.ConfigDirectory)!;
        Assert.Equal(("session", accountId), (saved.Kind, saved.AccountId));

        // Later commands use the session; the link is single use, so signing in with it again fails and keeps the login.
        (await cli.RunAsync("products", "list", "--json")).Ok();
        Assert.NotEqual(ExitCodes.Ok, (await cli.RunAsync("login", "--link", link.Value, "--url", host.BaseAddress.AbsoluteUri)).ExitCode);
        Assert.Equal(saved, Profile.Load(cli.ConfigDirectory));
    }
}
