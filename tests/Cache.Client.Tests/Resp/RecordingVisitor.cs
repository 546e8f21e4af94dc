using System.Buffers;
using System.Text;
using Cache.Client.Resp;

namespace Cache.Client.Tests.Resp;

/// <summary>Writes down every element the scanner hands it, as "depth type payload-or-count".</summary>
internal sealed class RecordingVisitor : IRespFrameVisitor
{
    public List<string> Seen { get; } = [];

    public void OnAggregate(byte type, long count, int depth) => Seen.Add($"{depth} {(char)type}{count}");

    public void OnValue(byte type, in ReadOnlySequence<byte> payload, int depth) =>
        Seen.Add($"{depth} {(char)type}{Encoding.Latin1.GetString(payload.ToArray())}");
}
