using System.Text;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Storage;

public sealed class ShrinkTests
{
    [Fact]
    public void An_emptied_key_space_gives_its_index_and_pages_back()
    {
        var keys = new KeySpace(TimeProvider.System);
        using var scope = keys.Enter();
        var empty = keys.UsedMemory;
        for (var i = 0; i < 50_000; i++)
        {
            keys.SetString(Encoding.ASCII.GetBytes($"key:{i}"), new byte[32]);
        }

        for (var i = 0; i < 50_000; i++)
        {
            Assert.True(keys.Delete(Encoding.ASCII.GetBytes($"key:{i}")));
        }

        // The index sized for 50k keys is still counted: a small maxmemory would refuse writes.
        Assert.True(keys.UsedMemory > empty + (1024 * 1024), $"used {keys.UsedMemory} vs empty {empty}");
        Assert.True(keys.ShrinkIfEmpty());
        Assert.Equal(empty, keys.UsedMemory);
        Assert.False(keys.ShrinkIfEmpty());

        keys.SetString("again"u8, "v"u8);
        Assert.False(keys.ShrinkIfEmpty());
        Assert.Equal(1, keys.Count);
    }
}
