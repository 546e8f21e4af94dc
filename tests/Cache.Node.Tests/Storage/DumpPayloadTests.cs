using System.Text;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Storage;

/// <summary>DUMP's payload format: Redis' CRC-64, LZF, and hostile payloads refused without throwing.</summary>
public sealed class DumpPayloadTests
{
    [Fact]
    public void Crc64_is_redis_jones_crc()
    {
        // The check value Redis' own crc64 test asserts.
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Compute("123456789"u8));
    }

    [Fact]
    public void Lzf_decodes_literals_and_overlapping_back_references_and_refuses_bad_distances()
    {
        // "abc" as a literal run, then a back reference of length 6 at distance 3: "abcabcabc".
        byte[] compressed = [2, (byte)'a', (byte)'b', (byte)'c', (4 << 5) | 0, 2];
        var output = new byte[9];
        Assert.True(Lzf.TryDecompress(compressed, output));
        Assert.Equal("abcabcabc", Encoding.ASCII.GetString(output));

        byte[] tooFar = [0, (byte)'a', (1 << 5) | 0, 5];
        Assert.False(Lzf.TryDecompress(tooFar, new byte[4]));
    }

    [Fact]
    public void A_string_and_a_hash_round_trip_and_truncated_or_altered_payloads_are_refused()
    {
        var keys = new KeySpace(TimeProvider.System);
        using (keys.Enter())
        {
            ref var text = ref keys.GetOrAdd("s"u8, out _);
            keys.SetValue(ref text, new byte[300]);
            ref var hash = ref keys.GetOrAdd("h"u8, out _);
            keys.HashSet(ref hash, "f"u8, "v"u8);
            keys.HashSet(ref keys.Lookup("h"u8), "g"u8, "w"u8);
            foreach (var (key, kind) in new[] { ("s", ValueKind.String), ("h", ValueKind.Hash) })
            {
                var payload = DumpPayload.Serialize(keys, keys.Lookup(Encoding.ASCII.GetBytes(key)))!;
                Assert.True(DumpPayload.IsIntact(payload));
                Assert.True(DumpPayload.TryDeserialize(payload, out var read, out _));
                Assert.Equal(kind, read);

                for (var cut = 0; cut < payload.Length; cut++)
                {
                    Assert.False(DumpPayload.IsIntact(payload.AsSpan(0, cut)) && DumpPayload.TryDeserialize(payload.AsSpan(0, cut), out _, out _));
                }

                var altered = (byte[])payload.Clone();
                altered[1] ^= 0x40;
                Assert.False(DumpPayload.IsIntact(altered));
            }
        }
    }

    [Fact]
    public void A_hash_payload_with_a_duplicate_field_or_a_huge_count_is_bad_data()
    {
        Assert.False(DumpPayload.TryDeserialize(Sealed([4, 2, 1, (byte)'f', 1, (byte)'v', 1, (byte)'f', 1, (byte)'w']), out _, out _));
        Assert.False(DumpPayload.TryDeserialize(Sealed([4, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 1, (byte)'f']), out _, out _));
        Assert.False(DumpPayload.TryDeserialize(Sealed([0, 0xC3, 0x3F, 0x81, 0, 0, 0, 0, 0, 0, 0]), out _, out _));
    }

    // An object with the version and checksum DUMP appends.
    private static byte[] Sealed(byte[] body)
    {
        var payload = new byte[body.Length + 10];
        body.CopyTo(payload, 0);
        payload[body.Length] = (byte)DumpPayload.RdbVersion;
        BitConverter.TryWriteBytes(payload.AsSpan(body.Length + 2), Crc64.Compute(payload.AsSpan(0, body.Length + 2)));
        Assert.True(DumpPayload.IsIntact(payload));
        return payload;
    }
}
