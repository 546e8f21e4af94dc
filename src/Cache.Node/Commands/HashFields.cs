using System.Numerics;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Adds fields to a hash's table. Works around <see cref="ByteKeyTable{TValue}.GetOrAdd"/>
/// indexing the slot array it read before growing (it throws whenever an add grows the
/// table): a full table is rebuilt one size up first, slot for slot, so indices (HSCAN
/// cursors) stay valid. Once GetOrAdd reads the array after Add, this reduces to a plain call.
/// </summary>
internal static class HashFields
{
    /// <summary>
    /// A reference to <paramref name="field"/>'s value, added (null value) if missing. May replace
    /// <paramref name="hash"/> (and the key's stored value) with a larger table.
    /// </summary>
    public static ref byte[] GetOrAdd(KeySpace keys, ReadOnlySpan<byte> key, ref ByteKeyTable<byte[]> hash, ReadOnlySpan<byte> field, out bool added)
    {
        if (WouldGrow(hash) && hash.IndexOf(field) < 0)
        {
            hash = Rebuild(hash);
            ref var entry = ref keys.Lookup(key);
            entry.Value = hash;
        }

        return ref hash.GetOrAdd(field, out added);
    }

    /// <summary>
    /// Tables are created with the default capacity, so their slot array is the smallest power of
    /// two (at least 4) holding every slot ever used; an add grows it when no slot is free and the
    /// array is full.
    /// </summary>
    private static bool WouldGrow(ByteKeyTable<byte[]> hash) =>
        hash.Count == hash.SlotLimit && hash.SlotLimit >= 4 && BitOperations.IsPow2(hash.SlotLimit);

    private static ByteKeyTable<byte[]> Rebuild(ByteKeyTable<byte[]> hash)
    {
        var larger = new ByteKeyTable<byte[]>(hash.SlotLimit * 2);
        for (var i = 0; i < hash.SlotLimit; i++)
        {
            // Full table: every slot is occupied, and copying in order keeps each field's index.
            larger.GetOrAdd(hash.KeyAt(i), out _) = hash.ValueAt(i);
        }

        return larger;
    }
}
