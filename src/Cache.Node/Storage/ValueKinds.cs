namespace Cache.Node.Storage;

/// <summary>Facts about <see cref="ValueKind"/> that code outside the store needs (wire checks, table sizes).</summary>
internal static class ValueKinds
{
    /// <summary>The highest kind defined; tables indexed by kind have this many plus one slots.</summary>
    public const ValueKind Last = ValueKind.Stream;

    /// <summary>True when a peer's kind number names an entry we can store (a value type or a tombstone).</summary>
    public static bool IsWireKind(long kind) => kind is >= (long)ValueKind.String and <= (long)Last;
}
