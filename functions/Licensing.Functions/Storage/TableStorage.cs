using Azure.Data.Tables;

namespace Licensing.Functions.Storage;

/// <summary>
/// The table clients, created once and reused. docs/storage.md explains each table's PartitionKey/RowKey.
/// Retries are short on purpose: a validation must answer 503 quickly rather than hang on a dead store
/// (<see cref="StorageRegistration"/> configures the clients).
/// </summary>
public sealed class TableStorage
{
    public const string AccountsTable = "accounts";
    public const string ApiKeysTable = "apikeys";
    public const string ProductsTable = "products";
    public const string LicensesTable = "licenses";
    public const string ActivityTable = "licenseactivity";
    public const string SigningKeysTable = "signingkeys";
    // Every payment provider's inbox, links and failures: the names predate the other providers and are kept so
    // deployed data keeps working (docs/storage.md).
    public const string BillingEventsTable = "stripeevents";
    public const string BillingLinksTable = "stripelinks";
    public const string BillingFailuresTable = "stripefailures";
    public const string EmailOutboxTable = "emailoutbox";
    public const string SecretsTable = "localsecrets";
    public const string CodesTable = "redeemcodes";
    public const string UsageTable = "usage";
    public const string AccountUsageTable = "accountusage";
    public const string MetricsTable = "metrics";
    public const string IdempotencyTable = "idempotency";
    public const string ReleasesTable = "releases";
    public const string KeyAliasesTable = "keyaliases";
    public const string TrialsTable = "trials";
    public const string AccountEmailsTable = "accountemails";
    public const string SessionsTable = "sessions";
    public const string SignInTokensTable = "signintokens";
    public const string AuditTable = "auditlog";
    public const string WebhookEndpointsTable = "webhookendpoints";
    public const string WebhookDeliveriesTable = "webhookdeliveries";
    public const string TimerRunsTable = "timerruns";

    public static IReadOnlyList<string> AllTables { get; } =
        [AccountsTable, ApiKeysTable, ProductsTable, LicensesTable, ActivityTable, SigningKeysTable,
         BillingEventsTable, BillingLinksTable, BillingFailuresTable,
         EmailOutboxTable, SecretsTable, CodesTable, UsageTable, AccountUsageTable, MetricsTable, IdempotencyTable,
         ReleasesTable, KeyAliasesTable, TrialsTable, AccountEmailsTable, SessionsTable, SignInTokensTable,
         AuditTable, WebhookEndpointsTable, WebhookDeliveriesTable, TimerRunsTable];

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
}
