using System.Buffers.Text;

namespace Cache.Node.Storage;

/// <summary>A stream entry's id: milliseconds and a sequence number, ordered as one 128-bit number.</summary>
internal readonly record struct StreamId(ulong Ms, ulong Seq) : IComparable<StreamId>
{
    /// <summary>The most bytes <see cref="Format"/> writes: two 20-digit numbers and the dash.</summary>
    public const int MaxText = 41;

    public static StreamId Zero => default;

    public static StreamId Max => new(ulong.MaxValue, ulong.MaxValue);

    public bool IsZero => Ms == 0 && Seq == 0;

    public int CompareTo(StreamId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;

    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;

    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;

    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    /// <summary>The next id; false (and 0-0) past the last possible one, as Redis' streamIncrID.</summary>
    public bool TryIncrement(out StreamId next)
    {
        if (Seq != ulong.MaxValue)
        {
            next = new(Ms, Seq + 1);
            return true;
        }

        // Read before writing: the caller may pass this very id as the out argument.
        var wraps = Ms == ulong.MaxValue;
        next = wraps ? Zero : new(Ms + 1, 0);
        return !wraps;
    }

    /// <summary>The previous id; false (and the maximum) before 0-0, as Redis' streamDecrID.</summary>
    public bool TryDecrement(out StreamId previous)
    {
        if (Seq != 0)
        {
            previous = new(Ms, Seq - 1);
            return true;
        }

        var wraps = Ms == 0;
        previous = wraps ? Max : new(Ms - 1, ulong.MaxValue);
        return !wraps;
    }

    /// <summary>Writes "ms-seq" and returns its length (at most <see cref="MaxText"/>).</summary>
    public int Format(Span<byte> destination)
    {
        Utf8Formatter.TryFormat(Ms, destination, out var at);
        destination[at++] = (byte)'-';
        Utf8Formatter.TryFormat(Seq, destination[at..], out var written);
        return at + written;
    }

    public override string ToString() => $"{Ms}-{Seq}";
}
