namespace Cache.Node.Storage;

/// <summary>RENAME's move of a value between keys.</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Moves the value, type and expiry of the live key <paramref name="source"/> to
    /// <paramref name="target"/> (replacing whatever it held) and deletes the source. Both keys
    /// are touched. The caller checked that the source exists and differs from the target.
    /// </summary>
    public void Rename(ReadOnlySpan<byte> source, ReadOnlySpan<byte> target)
    {
        ref var from = ref _table.EntryAt(_table.IndexOf(source));
        var kind = from.Kind;
        var expiresAt = from.ExpiresAt;
        var flags = from.Flags;
        var value = ValueOf(from).ToArray();

        // A large hash's table moves with the record bytes that name it: the source lets go of it.
        from.Flags = EntryFlags.None;
        ref var to = ref GetOrAdd(target, out _);
        SetValue(ref to, value, kind);
        to.Flags = flags;
        SetExpiry(ref to, expiresAt);
        Delete(source);
        Touch(target);
    }
}
