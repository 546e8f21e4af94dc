using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands.Introspection;

/// <summary>SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, the dirty counter and the RDB file's own checks.</summary>
public sealed class PersistenceCommandTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));

    [Fact]
    public async Task Debug_reload_keeps_values_and_ttls_and_save_resets_the_changes_count()
    {
        await using var node = await TestNode.StartAsync(time: _time);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "x", "10");
        await client.CallAsync("EXPIRE", "x", "1000");
        await client.CallAsync("RPUSH", "l", "a", "b");
        Assert.Contains("rdb_changes_since_last_save:", await client.CallAsync("INFO", "persistence"), StringComparison.Ordinal);
        Assert.DoesNotContain("rdb_changes_since_last_save:0\r", await client.CallAsync("INFO", "persistence"), StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal("+OK\r\n", await client.CallAsync("SAVE"));
        Assert.Equal($":{_time.GetUtcNow().ToUnixTimeSeconds()}\r\n", await client.CallAsync("LASTSAVE"));
        Assert.Contains("rdb_changes_since_last_save:0\r", await client.CallAsync("INFO", "persistence"), StringComparison.Ordinal);

        Assert.Equal("+OK\r\n", await client.CallAsync("DEBUG", "RELOAD"));
        Assert.Equal("$2\r\n10\r\n", await client.CallAsync("GET", "x"));
        Assert.Equal(":993\r\n", await client.CallAsync("TTL", "x"));
        Assert.Equal("*2\r\n$1\r\na\r\n$1\r\nb\r\n", await client.CallAsync("LRANGE", "l", "0", "-1"));

        // NOSAVE loads the file as it is: a key written since the save is gone.
        await client.CallAsync("SET", "late", "1");
        Assert.Equal("+OK\r\n", await client.CallAsync("DEBUG", "RELOAD", "NOSAVE"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "late"));
        Assert.Equal(":2\r\n", await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task Bgsave_writes_the_file_in_the_background_and_info_reports_it()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "k", "v");
        Assert.Equal("+Background saving started\r\n", await client.CallAsync("BGSAVE"));
        if (node.Server.Persistence.BackgroundSave is { } running)
        {
            await running;
        }

        var info = await client.CallAsync("INFO", "persistence");
        Assert.Contains("rdb_bgsave_in_progress:0\r", info, StringComparison.Ordinal);
        Assert.Contains("rdb_last_bgsave_status:ok\r", info, StringComparison.Ordinal);
        Assert.Contains("rdb_saves:1\r", info, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(node.Server.Settings.Dir, "dump.rdb")));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("BGSAVE", "NOW"));
    }

    [Fact]
    public async Task Flushall_saves_at_once_when_save_points_are_set()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("SET", "key", "value");
        await client.CallAsync("FLUSHALL");
        Assert.DoesNotContain("rdb_changes_since_last_save:0\r", await client.CallAsync("INFO", "persistence"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "save", "3600 1 300 100 60 10000"));
        await client.CallAsync("SET", "key", "value");
        await client.CallAsync("FLUSHALL");
        Assert.Contains("rdb_changes_since_last_save:0\r", await client.CallAsync("INFO", "persistence"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_file_is_refused_with_the_reason()
    {
        var keys = new KeySpace(_time);
        keys.SetString("a"u8, "1"u8);
        var file = RdbFile.Write(keys, 0, 0).ToArray();

        var fresh = new KeySpace(_time);
        Assert.True(RdbFile.TryLoad(fresh, file, out var loaded, out var error), error);
        Assert.Equal(1, loaded);

        var flipped = (byte[])file.Clone();
        flipped[^12] ^= 0x20;
        Assert.False(RdbFile.TryLoad(new KeySpace(_time), flipped, out _, out error));
        Assert.NotNull(error);

        Assert.False(RdbFile.TryLoad(new KeySpace(_time), file.AsSpan(0, file.Length - 9), out _, out error));
        Assert.Equal("Unexpected EOF reading RDB file", error);
        Assert.False(RdbFile.TryLoad(new KeySpace(_time), "REDIS0099\xff"u8.ToArray(), out _, out error));
        Assert.Equal("Can't handle RDB format version 99", error);
        Assert.False(RdbFile.TryLoad(new KeySpace(_time), "HELLO"u8.ToArray(), out _, out error));
    }
}
