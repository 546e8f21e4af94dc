using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Cache.Client.Resp;

namespace Cache.Node.Cluster;

/// <summary>
/// Decodes a peer's paged reply, [number, [bulk, …]], as the connection scans it: each bulk is
/// handed to <see cref="OnItem"/> in the pass that finds the reply's end, with no reply object per
/// element and no copy of the reply (a page of leaves or entries holds thousands of bulks).
/// Anything of another shape refuses the whole page; an error reply is kept as <see cref="Error"/>.
/// </summary>
internal abstract class PeerPageDecoder : IRespFrameVisitor
{
    private int _parts;   // elements of the outer pair seen: the number, then the items
    private bool _refused;

    /// <summary>The page's number (a cursor, or how many names were answered).</summary>
    public long Number { get; private set; }

    /// <summary>The peer's error reply, without its leading '-'; null when it sent none.</summary>
    public string? Error { get; private set; }

    /// <summary>True once a whole, well-formed page has been decoded.</summary>
    public bool IsWhole => !_refused && _parts == 2 && IsItemsWhole;

    /// <summary>True when the items seen so far end on an item boundary (no half entry).</summary>
    protected virtual bool IsItemsWhole => true;

    public void OnAggregate(byte type, long count, int depth)
    {
        if (_refused)
        {
            return;
        }

        if (type != (byte)'*')
        {
            _refused = true;
        }
        else if (depth == 0)
        {
            _refused = count != 2;
        }
        else if (depth == 1 && _parts == 1)
        {
            _parts = 2;
            _refused = !OnItems(count);
        }
        else
        {
            _refused = true;
        }
    }

    public void OnValue(byte type, in ReadOnlySequence<byte> payload, int depth)
    {
        if (_refused)
        {
            return;
        }

        if (depth == 0 && type == (byte)'-')
        {
            Error = Encoding.UTF8.GetString(payload).TrimEnd();
            _refused = true;
        }
        else if (depth == 1 && _parts == 0 && type == (byte)'$' && TryParseNumber(payload, out var number))
        {
            (Number, _parts) = (number, 1);
        }
        else if (depth == 2 && type == (byte)'$')
        {
            _refused = !OnItem(payload);
        }
        else
        {
            _refused = true;
        }
    }

    /// <summary>Parses a bulk holding a decimal number, digits only after an optional sign.</summary>
    public static bool TryParseNumber(in ReadOnlySequence<byte> bulk, out long value)
    {
        value = 0;
        if (bulk.IsSingleSegment)
        {
            return Utf8Parser.TryParse(bulk.FirstSpan, out value, out var used) && used == bulk.Length;
        }

        Span<byte> digits = stackalloc byte[24];
        if (bulk.Length > digits.Length)
        {
            return false;
        }

        bulk.CopyTo(digits);
        return Utf8Parser.TryParse(digits[..(int)bulk.Length], out value, out var consumed) && consumed == bulk.Length;
    }

    /// <summary>The items' array header: how many bulks follow; false refuses the page.</summary>
    protected abstract bool OnItems(long count);

    /// <summary>One of the items; false refuses the page. The bytes are valid only during the call.</summary>
    protected abstract bool OnItem(in ReadOnlySequence<byte> bulk);
}
