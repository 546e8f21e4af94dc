using System.Text;

namespace Cache.Gossip.Wire;

/// <summary>
/// One node's side of the envelope: seals with its label, keyring, name and a strictly increasing
/// clock-based sequence; opens with the size limit of the channel and, for encrypted packets, the replay guard.
/// </summary>
internal sealed class PacketSealer
{
    private readonly byte[] _label;
    private readonly Keyring _keyring;
    private readonly byte[] _sender;
    private readonly TimeProvider _time;
    private readonly ReplayGuard _replay;
    private ulong _lastSequence;

    public PacketSealer(string label, Keyring keyring, string sender, TimeProvider time, TimeSpan maxClockSkew)
    {
        _label = PacketEnvelope.LabelBytes(label);
        _keyring = keyring;
        _sender = Encoding.UTF8.GetBytes(sender);
        _time = time;
        _replay = new ReplayGuard(time, maxClockSkew);
    }

    /// <summary>Bytes the envelope adds around a body with the current keyring.</summary>
    public int Overhead => PacketEnvelope.Overhead(_label.Length, _keyring.IsEnabled, _sender.Length);

    public ReplayGuard Replay => _replay;

    public byte[] Seal(ReadOnlySpan<byte> body, bool deflate = false) =>
        PacketEnvelope.Seal(body, _label, _keyring, _sender, NextSequence(), deflate);

    public bool TryOpen(ReadOnlyMemory<byte> packet, bool stream, out ReadOnlyMemory<byte> body, out DropReason reason)
    {
        var limit = stream ? PacketEnvelope.MaxStreamBody : PacketEnvelope.MaxPacketBody;
        if (!PacketEnvelope.TryOpen(packet, _label, _keyring, limit, out body, out var origin, out reason))
        {
            return false;
        }

        if (origin.Sender is { } sender && !_replay.TryAccept(sender, stream, origin.Sequence, out reason))
        {
            body = default;
            return false;
        }

        return true;
    }

    // Clock-based so that a restarted sender starts above everything it sent before; +1 when the clock has not moved.
    private ulong NextSequence()
    {
        var now = ReplayGuard.SequenceAt(_time.GetUtcNow());
        while (true)
        {
            var last = Volatile.Read(ref _lastSequence);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _lastSequence, next, last) == last)
            {
                return next;
            }
        }
    }
}
