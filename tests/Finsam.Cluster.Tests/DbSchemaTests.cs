using Finsam.Silo;

namespace Finsam.Cluster.Tests;

public sealed class DbSchemaTests
{
    [Fact]
    public async Task Schema_applies_twice_on_a_fresh_database()
    {
        var db = await TestPostgres.CreateScratchDatabaseAsync("finsam_schema");
        try
        {
            Assert.Equal(DbSchema.RequiredQueryKeys, await DbSchema.MissingQueryKeysAsync(db));

            await DbSchema.ApplyAsync(db);
            Assert.Empty(await DbSchema.MissingQueryKeysAsync(db));
            var tables = await TestPostgres.ScalarAsync<long>(db,
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN " +
                "('orleansquery','orleansmembershipversiontable','orleansmembershiptable','orleansstorage')");
            Assert.Equal(4, tables);

            // Second application: no error, nothing duplicated, queries still complete.
            await DbSchema.ApplyAsync(db);
            Assert.Empty(await DbSchema.MissingQueryKeysAsync(db));
            Assert.Equal(DbSchema.RequiredQueryKeys.Count, (int)await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM OrleansQuery"));
            await DbSchema.EnsureAppliedAsync(db);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task Concurrent_applications_do_not_collide()
    {
        var db = await TestPostgres.CreateScratchDatabaseAsync("finsam_schema");
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DbSchema.ApplyAsync(db)));
            Assert.Empty(await DbSchema.MissingQueryKeysAsync(db));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public async Task Missing_schema_gives_a_clear_error()
    {
        var db = await TestPostgres.CreateScratchDatabaseAsync("finsam_schema");
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => DbSchema.EnsureAppliedAsync(db));
            Assert.Contains("db init", e.Message);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(db);
        }
    }
}
