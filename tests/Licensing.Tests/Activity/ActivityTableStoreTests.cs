using Azure.Data.Tables;
using Licensing.Domain.Activity;
using Licensing.Functions.Activity;
using Licensing.Functions.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Activity;

/// <summary>The activity table against Azurite: a flush's transaction of many licenses' rows is written all or none, each row only if unchanged.</summary>
public sealed class ActivityTableStoreTests
{
    private static async Task<ActivityTableStore> StoreAsync()
    {
        var service = new TableServiceClient(TestHost.Azurite);
        await service.GetTableClient(TableStorage.ActivityTable).CreateIfNotExistsAsync();
        return new ActivityTableStore(new TableStorage(service));
    }

    private static LicenseActivity Row(string account, int i, long validations, string? version = null) =>
        new() { AccountId = account, LicenseId = $"lic_{i:D3}", Validations = validations, ValidValidations = validations, Version = version };

    [Fact]
    public async Task A_transaction_writes_every_row_when_all_are_unchanged_and_none_when_one_has_changed_or_gone()
    {
        var store = await StoreAsync();
        var account = "acct_" + Guid.NewGuid().ToString("N")[..16];
        var rows = new List<LicenseActivity>();
        for (var i = 0; i < IActivityStore.MaxRowsPerTransaction; i++)
            rows.Add(Row(account, i, 1) with { Version = await store.AddOrReplaceAsync(Row(account, i, 1), default) });

        // All unchanged: one request writes the hundred, and each new version is the stored row's.
        var versions = (await store.ReplaceAllAsync([.. rows.Select(r => r with { Validations = 2 })], default)).Versions;
        Assert.NotNull(versions);
        for (var i = 0; i < rows.Count; i++)
        {
            var stored = (await store.GetAsync(account, rows[i].LicenseId, default))!;
            Assert.Equal((2L, stored.Version), (stored.Validations, versions[i]));
            rows[i] = stored;
        }

        // One row written elsewhere meanwhile: refused whole, nothing written (the others keep their counts and versions).
        await store.AddOrReplaceAsync(rows[57] with { Validations = 9 }, default);
        var refused = await store.ReplaceAllAsync([.. rows.Select(r => r with { Validations = 3 })], default);
        Assert.Equal((null, 57), (refused.Versions, refused.ChangedRow)); // and storage says which row
        for (var i = 0; i < rows.Count; i++)
            Assert.Equal(i == 57 ? 9 : 2, (await store.GetAsync(account, rows[i].LicenseId, default))!.Validations);

        // One row deleted meanwhile (its license erased): refused whole as well, and the row is not brought back.
        var current = new List<LicenseActivity>();
        foreach (var r in rows) current.Add((await store.GetAsync(account, r.LicenseId, default))!);
        await store.DeleteAsync(account, rows[3].LicenseId, default);
        refused = await store.ReplaceAllAsync([.. current.Select(r => r with { Validations = 4 })], default);
        Assert.Equal((null, 3), (refused.Versions, refused.ChangedRow));
        Assert.Null(await store.GetAsync(account, rows[3].LicenseId, default));
        Assert.Equal(2, (await store.GetAsync(account, rows[4].LicenseId, default))!.Validations);
    }

    [Fact]
    public async Task A_transaction_takes_rows_of_one_account_with_versions_and_at_most_a_hundred()
    {
        var store = await StoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceAllAsync([Row("acct_a", 1, 1, "v"), Row("acct_b", 2, 1, "v")], default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReplaceAllAsync([Row("acct_a", 1, 1)], default));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.ReplaceAllAsync([.. Enumerable.Range(0, IActivityStore.MaxRowsPerTransaction + 1).Select(i => Row("acct_a", i, 1, "v"))], default));
    }

    [Fact]
    public async Task A_flusher_over_the_table_writes_licenses_validated_again_in_transactions_without_reads()
    {
        var store = await StoreAsync();
        var clock = new TestClock();
        var recorder = new ActivityRecorder(clock);
        var flusher = new ActivityFlusher(recorder, store, [], clock);
        var account = "acct_" + Guid.NewGuid().ToString("N")[..16];
        var licenses = Enumerable.Range(0, 150).Select(i => Validation.ValidationRulesTests.Sample() with { AccountId = account, Id = $"lic_{i:D3}" })
            .ToArray();
        async Task FlushAsync()
        {
            foreach (var l in licenses)
                recorder.Record(l, Domain.Products.PlanPolicy.Default, Domain.Products.DevelopmentHostPolicy.Default, "customer-site.com", "203.0.113.7",
                    valid: true);
            await flusher.FlushAsync(default);
        }

        await FlushAsync();
        Assert.Equal((150L, 150L, 150L), (flusher.Reads, flusher.Writes, flusher.WriteRequests)); // first writes: read, insert
        await FlushAsync();
        await FlushAsync();
        Assert.Equal((150L, 450L, 154L), (flusher.Reads, flusher.Writes, flusher.WriteRequests)); // then 100 + 50 to a request, no read
        foreach (var l in licenses) Assert.Equal(3, (await store.GetAsync(account, l.Id, default))!.Validations);
    }
}
