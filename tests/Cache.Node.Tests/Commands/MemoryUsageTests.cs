using Cache.Node.Storage;

namespace Cache.Node.Tests.Commands;

/// <summary>MEMORY USAGE's figure grows with what a key holds, large hashes included.</summary>
public sealed class MemoryUsageTests
{
    [Fact]
    public void A_bigger_value_and_a_large_hash_report_more_bytes()
    {
        var keys = new KeySpace(TimeProvider.System);
        using (keys.Enter())
        {
            ref var small = ref keys.GetOrAdd("s"u8, out _);
            keys.SetValue(ref small, new byte[10]);
            var smallBytes = keys.MemoryUsageOf(keys.Lookup("s"u8));
            ref var big = ref keys.GetOrAdd("b"u8, out _);
            keys.SetValue(ref big, new byte[5000]);
            Assert.True(keys.MemoryUsageOf(keys.Lookup("b"u8)) >= smallBytes + 4990);

            ref var hash = ref keys.GetOrAdd("h"u8, out _);
            for (var i = 0; i < 1000; i++)
            {
                keys.HashSet(ref keys.Lookup("h"u8), System.Text.Encoding.ASCII.GetBytes($"field-{i}"), new byte[20]);
            }

            Assert.Equal("hashtable", keys.StoreFor(ValueKind.Hash)!.EncodingOf(keys.Lookup("h"u8)));
            Assert.True(keys.MemoryUsageOf(keys.Lookup("h"u8)) > 1000 * 26, "a large hash counts its fields");
        }
    }
}
