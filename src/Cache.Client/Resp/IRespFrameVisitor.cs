using System.Buffers;

namespace Cache.Client.Resp;

/// <summary>
/// Receives the elements of one reply as <see cref="RespFrameScanner"/> passes them, each exactly
/// once and in order, also when the reply arrives over many reads: decoding happens in the pass
/// that finds the reply's end. Payloads point into the receive buffer and are valid only during
/// the call; a visitor that keeps bytes copies them.
/// </summary>
internal interface IRespFrameVisitor
{
    /// <summary>
    /// An aggregate's header: its type byte (<c>*</c>, <c>~</c>, <c>&gt;</c>, <c>%</c>, <c>|</c>) and its count as
    /// sent (pairs for maps and attributes). Its elements follow at <paramref name="depth"/> + 1.
    /// </summary>
    void OnAggregate(byte type, long count, int depth);

    /// <summary>
    /// A complete non-aggregate element: its type byte and its payload (a bulk's body, a simple
    /// element's line). Null bulks and null aggregates arrive as type <c>_</c> with an empty payload.
    /// </summary>
    void OnValue(byte type, in ReadOnlySequence<byte> payload, int depth);
}
