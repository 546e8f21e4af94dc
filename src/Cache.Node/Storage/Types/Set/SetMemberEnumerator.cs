namespace Cache.Node.Storage;

/// <summary>
/// Walks a set's members in storage order (ascending for an intset, insertion order for a small
/// set, table order for a large one). An intset's members are formatted into the caller's
/// scratch span (at least <see cref="SetInteger.MaxDigits"/> bytes). <see cref="Current"/> is
/// valid until the next write to the key space.
/// </summary>
internal ref struct SetMemberEnumerator
{
    private readonly ReadOnlySpan<byte> _blob;
    private readonly LargeSet? _large;
    private readonly Span<byte> _scratch;
    private readonly bool _intset;
    private int _next;

    internal SetMemberEnumerator(ReadOnlySpan<byte> blob, LargeSet? large, Span<byte> scratch)
    {
        _blob = blob;
        _large = large;
        _scratch = scratch;
        _intset = large is null && IntSetBlob.Is(blob);
        _next = large is null && !_intset ? SmallSetBlob.Start : 0;
        Current = default;
    }

    public ReadOnlySpan<byte> Current { get; private set; }

    /// <summary>The position of <see cref="Current"/>: a table slot for a large set.</summary>
    public int Position { get; private set; }

    public bool MoveNext()
    {
        if (_large is not null)
        {
            while (_next < _large.Capacity)
            {
                var slot = _next++;
                if (_large.IsOccupied(slot))
                {
                    Position = slot;
                    Current = _large.MemberAt(slot);
                    return true;
                }
            }

            return false;
        }

        if (_intset)
        {
            if (_next >= IntSetBlob.Count(_blob))
            {
                return false;
            }

            Position = _next;
            var length = SetInteger.Format(IntSetBlob.At(_blob, _next++), _scratch);
            Current = _scratch[..length];
            return true;
        }

        if (_next >= _blob.Length)
        {
            return false;
        }

        Position = _next;
        _next = SmallSetBlob.ReadAt(_blob, _next, out var member);
        Current = member;
        return true;
    }
}
