namespace Cache.Node.Storage;

/// <summary>The key space as an RDB file: every live key written, and keys read back from one.</summary>
internal sealed partial class KeySpace
{
    /// <summary>Writes each live key's expiry (if any), RDB object type, key and object; returns how many were written.</summary>
    internal int WriteRdbEntries(RdbWriter writer)
    {
        AssertHeld();
        var now = NowMs;
        var written = 0;
        Span<byte> expiry = stackalloc byte[8];
        for (var i = 0; i < _table.EntryLimit; i++)
        {
            if (!EntryWalker.IsLive(_table, i, now))
            {
                continue;
            }

            ref var entry = ref _table.EntryAt(i);
            if (entry.Kind is not (ValueKind.String or ValueKind.Hash or ValueKind.List or ValueKind.Set or ValueKind.SortedSet or ValueKind.Stream))
            {
                continue;
            }

            if (entry.ExpiresAt != 0)
            {
                writer.Byte(RdbFile.OpExpireTimeMs);
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(expiry, entry.ExpiresAt);
                writer.Raw(expiry);
            }

            // The object's type byte comes first, then the key, then the object: write the object
            // into the scratch writer and splice the key in after its type byte.
            _rdbScratch ??= new RdbWriter();
            _rdbScratch.Clear();
            DumpPayload.WriteObject(_rdbScratch, this, entry);
            var obj = _rdbScratch.Written;
            writer.Byte(obj[0]);
            writer.String(_table.KeyAt(i));
            writer.Raw(obj[1..]);
            written++;
        }

        return written;
    }

    /// <summary>Adds a key read from an RDB file, replacing any key of that name.</summary>
    internal void LoadRdbEntry(ReadOnlySpan<byte> key, ValueKind kind, byte[] wire, long expiresAt)
    {
        // A key met twice (DEBUG RELOAD MERGE or NOFLUSH): the file's copy wins, as with Redis' RDBFLAGS_ALLOW_DUP.
        ref var entry = ref GetOrAdd(key, out _);
        if (CodecFor(kind) is { } codec)
        {
            codec.Import(ref entry, wire);
        }
        else
        {
            SetValue(ref entry, wire, kind);
        }

        SetExpiry(ref entry, expiresAt);
    }

    private RdbWriter? _rdbScratch;
}
