using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Licensing.Functions.Hosting;

namespace Licensing.Functions.Storage;

/// <summary>
/// The table clients, created once and reused. docs/storage.md explains each table's PartitionKey/RowKey.
/// Retries are short on purpose: a validation must answer 503 quickly rather than hang on a dead store.
/// </summary>
public sealed class TableStorage
{
    public const string AccountsTable = "accounts";
    public const string ApiKeysTable = "apikeys";
    public const string ProductsTable = "products";
    public const string LicensesTable = "licenses";
    public const string ActivityTable = "licenseactivity";
    public const string SigningKeysTable = "signingkeys";
    public const string StripeEventsTable = "stripeevents";
    public const string StripeLinksTable = "stripelinks";
    public const string StripeFailuresTable = "stripefailures";
    public const string EmailOutboxTable = "emailoutbox";
    public const string SecretsTable = "localsecrets";
    public const string CodesTable = "redeemcodes";
    public const string UsageTable = "usage";
    public const string AccountUsageTable = "accountusage";
    public const string MetricsTable = "metrics";
    public const string IdempotencyTable = "idempotency";

    public static IReadOnlyList<string> AllTables { get; } =
        [AccountsTable, ApiKeysTable, ProductsTable, LicensesTable, ActivityTable, SigningKeysTable, StripeEventsTable, StripeLinksTable, StripeFailuresTable, EmailOutboxTable, SecretsTable,
         CodesTable, UsageTable, AccountUsageTable, MetricsTable, IdempotencyTable];

    public TableClient Table(string name) => Service.GetTableClient(name);

    public TableStorage(TableServiceClient service)
    {
        Service = service;
        Accounts = service.GetTableClient(AccountsTable);
        ApiKeys = service.GetTableClient(ApiKeysTable);
        Products = service.GetTableClient(ProductsTable);
        Licenses = service.GetTableClient(LicensesTable);
        Activity = service.GetTableClient(ActivityTable);
        SigningKeys = service.GetTableClient(SigningKeysTable);
    }

    public TableServiceClient Service { get; }
    public TableClient Accounts { get; }
    public TableClient ApiKeys { get; }
    public TableClient Products { get; }
    public TableClient Licenses { get; }
    public TableClient Activity { get; }
    public TableClient SigningKeys { get; }

    public static TableClientOptions ClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    public static TableServiceClient CreateServiceClient(LicensingOptions options, TokenCredential credential)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageConnection))
            return new TableServiceClient(options.StorageConnection, ClientOptions());
        if (!string.IsNullOrWhiteSpace(options.TableServiceUri))
            return new TableServiceClient(new Uri(options.TableServiceUri), credential, ClientOptions());
        throw new InvalidOperationException(
            $"Storage is not configured: set {LicensingOptions.Section}:TableServiceUri (Azure, managed identity) or {LicensingOptions.Section}:StorageConnection (local).");
    }

    public static TokenCredential CreateCredential(LicensingOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
