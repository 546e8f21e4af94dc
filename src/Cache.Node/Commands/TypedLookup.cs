using System.Runtime.CompilerServices;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The live entry of one kind at a key, for the families that look a key up by kind (lists,
/// streams): a null reference when missing, or when it holds another kind, which replies WRONGTYPE.
/// </summary>
internal static class TypedLookup
{
    /// <summary>
    /// Writes look up without counting a hit or miss (Redis' lookupKeyWrite), reads count one;
    /// <paramref name="wrongType"/> says WRONGTYPE was replied.
    /// </summary>
    public static ref StoreEntry Find(ClientSession client, ReadOnlySpan<byte> key, ValueKind kind, bool forRead, out bool wrongType)
    {
        ref var entry = ref forRead ? ref client.Keys.LookupRead(key) : ref client.Keys.Lookup(key);
        wrongType = false;
        if (Unsafe.IsNullRef(ref entry) || entry.Kind == kind)
        {
            return ref entry;
        }

        client.Reply.Error(Errors.WrongType);
        wrongType = true;
        return ref Unsafe.NullRef<StoreEntry>();
    }
}
