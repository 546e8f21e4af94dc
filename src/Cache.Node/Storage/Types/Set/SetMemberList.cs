namespace Cache.Node.Storage;

/// <summary>
/// A reusable list of members copied out of the store: one byte array and one array of end
/// offsets, grown as needed and kept between commands. Holds the result of SINTER and friends
/// while the destination is written, and what SPOP takes out.
/// </summary>
internal sealed class SetMemberList
{
    private byte[] _bytes = new byte[256];
    private int[] _ends = new int[16];
    private int _length;

    public int Count { get; private set; }

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            var start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }
    }

    public void Add(ReadOnlySpan<byte> member)
    {
        if (_length + member.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_length + member.Length, _bytes.Length * 2));
        }

        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        member.CopyTo(_bytes.AsSpan(_length));
        _length += member.Length;
        _ends[Count++] = _length;
    }

    /// <summary>Empties the list; a large one gives its arrays back so one huge command does not pin them.</summary>
    public void Clear()
    {
        Count = 0;
        _length = 0;
        if (_bytes.Length > 1 << 20)
        {
            _bytes = new byte[256];
        }

        if (_ends.Length > 1 << 16)
        {
            _ends = new int[16];
        }
    }
}
