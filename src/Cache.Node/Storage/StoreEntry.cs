namespace Cache.Node.Storage;

/// <summary>The Redis type of a stored value.</summary>
internal enum ValueKind : byte
{
    None = 0,
    String = 1,
    Hash = 2,
}

/// <summary>One key's value and metadata, held in the key space's table.</summary>
internal struct StoreEntry
{
    /// <summary><c>byte[]</c> for strings, <see cref="ByteKeyTable{TValue}"/> of <c>byte[]</c> for hashes.</summary>
    public object? Value;

    /// <summary>Absolute expiry in Unix milliseconds; 0 means the key does not expire.</summary>
    public long ExpiresAt;

    public ValueKind Kind;

    public readonly byte[] StringValue => (byte[])Value!;

    public readonly ByteKeyTable<byte[]> HashValue => (ByteKeyTable<byte[]>)Value!;
}
