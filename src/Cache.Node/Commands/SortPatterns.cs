using System.Runtime.CompilerServices;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// SORT's BY and GET patterns (Redis' lookupKeyByPattern): "#" is the element itself; otherwise
/// the first '*' is replaced by the element to name a string key, or, with "-&gt;field" after
/// it, a hash key and its field. A pattern without '*' names nothing.
/// </summary>
internal static class SortPatterns
{
    /// <summary>The value the pattern names for <paramref name="element"/> (valid until the next write); false when there is none.</summary>
    public static bool TryLookup(KeySpace keys, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> element, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (pattern.Length == 1 && pattern[0] == (byte)'#')
        {
            value = element;
            return true;
        }

        // Redis reads the pattern as a C string: it ends at the first NUL.
        var nul = pattern.IndexOf((byte)0);
        if (nul >= 0)
        {
            pattern = pattern[..nul];
        }

        var star = pattern.IndexOf((byte)'*');
        if (star < 0)
        {
            return false;
        }

        var rest = pattern[(star + 1)..];
        var arrow = rest.IndexOf("->"u8);
        ReadOnlySpan<byte> field = default;
        var isHash = arrow >= 0 && arrow + 2 < rest.Length;
        if (isHash)
        {
            field = rest[(arrow + 2)..];
            rest = rest[..arrow];
        }

        // A heap key: a value found through it may then outlive this call.
        var key = new byte[star + element.Length + rest.Length];
        pattern[..star].CopyTo(key);
        element.CopyTo(key.AsSpan(star));
        rest.CopyTo(key.AsSpan(star + element.Length));

        ref var entry = ref keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            return false;
        }

        if (isHash)
        {
            return entry.Kind == ValueKind.Hash && keys.HashTryGet(entry, field, out value);
        }

        if (entry.Kind != ValueKind.String)
        {
            return false;
        }

        value = keys.ValueOf(entry);
        return true;
    }
}
