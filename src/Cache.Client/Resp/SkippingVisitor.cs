using System.Buffers;

namespace Cache.Client.Resp;

/// <summary>Visits nothing: for finding a reply's end only (a relayed reply). A struct, so the scan compiles without calls.</summary>
internal struct SkippingVisitor : IRespFrameVisitor
{
    public readonly void OnAggregate(byte type, long count, int depth)
    {
    }

    public readonly void OnValue(byte type, in ReadOnlySequence<byte> payload, int depth)
    {
    }
}
