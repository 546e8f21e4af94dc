using System.Text;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Storage;

public sealed class SparseScanTests
{
    [Fact]
    public void One_scan_call_walks_a_bounded_number_of_empty_slots_and_the_walk_still_finds_every_key()
    {
        var keys = new KeySpace(TimeProvider.System);
        using var scope = keys.Enter();
        for (var i = 0; i < 20_000; i++)
        {
            keys.SetString(Encoding.ASCII.GetBytes($"k{i}"), "v"u8);
        }

        for (var i = 0; i < 19_999; i++)
        {
            keys.Delete(Encoding.ASCII.GetBytes($"k{i}"));
        }

        var found = new List<byte[]>();
        var cursor = keys.Scan(0, 1, (_, _) => true, found);
        Assert.InRange(cursor, 1, 100);

        var calls = 1;
        while (cursor != 0)
        {
            cursor = keys.Scan(cursor, 1, (_, _) => true, found);
            calls++;
        }

        Assert.Equal("k19999", Encoding.ASCII.GetString(Assert.Single(found)));
        Assert.True(calls > 100, $"{calls} calls");
    }
}
