using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>Each value type's codec: what one node exports, another imports as the same value, in its own encoding.</summary>
public sealed class ValueCodecTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));

    [Fact]
    public void A_string_crosses_as_its_bytes()
    {
        var (from, to) = (new KeySpace(_time), new KeySpace(_time));
        from.SetString("s"u8, "hello"u8);
        var wire = from.Export("s"u8)!.Value;
        Assert.Equal((ValueKind.String, "hello"), (wire.Kind, Encoding.ASCII.GetString(wire.Value.Span)));

        Assert.True(to.Apply("s"u8, wire));
        Assert.Equal("hello", Encoding.ASCII.GetString(to.ValueOf(to.Lookup("s"u8))));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(HashBlob.MaxPairs + 5)]
    public void A_hash_crosses_as_one_blob_and_lands_in_the_encoding_its_size_calls_for(int fields)
    {
        var (from, to) = (new KeySpace(_time), new KeySpace(_time));
        ref var hash = ref from.GetOrAdd("h"u8, out _);
        for (var i = 0; i < fields; i++)
        {
            from.HashSet(ref hash, Encoding.ASCII.GetBytes($"f{i}"), Encoding.ASCII.GetBytes($"v{i}"));
        }

        var wire = from.Export("h"u8)!.Value;
        Assert.Equal(ValueKind.Hash, wire.Kind);
        Assert.True(HashBlob.FitsPacked(wire.Value.Span) == (fields <= HashBlob.MaxPairs));
        Assert.True(to.Apply("h"u8, wire));

        ref var copy = ref to.Lookup("h"u8);
        Assert.Equal(fields, to.HashLength(copy));
        Assert.Equal(fields <= HashBlob.MaxPairs, KeySpace.HashIsPacked(copy));
        Assert.True(to.HashTryGet(copy, Encoding.ASCII.GetBytes($"f{fields - 1}"), out var value));
        Assert.Equal($"v{fields - 1}", Encoding.ASCII.GetString(value));
    }
}
