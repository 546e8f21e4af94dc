using Cache.Gossip.Protocol;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>Dissemination: piggybacking and the periodic gossip to a few random members.</summary>
public sealed partial class GossipNode
{
    private readonly List<NodeState> _gossipTargets = [];

    // Members alive or suspected (failed ones are kept for reconnects but do not count as cluster size).
    internal int ClusterSize => Math.Max(1, _events.Snapshot.LiveCount);

    private int TransmitLimit => _options.RetransmitMult * (int)Math.Ceiling(Math.Log10(ClusterSize + 1));

    private int PacketBudget => _options.MaxPacketSize - _sealer.Overhead;

    private void GossipTick()
    {
        lock (_gate)
        {
            if (_stopped || _broadcasts.Count == 0)
            {
                return;
            }

            _gossipTargets.Clear();
            var n = _probeList.Count;
            for (var tries = 0; tries < 3 * n && _gossipTargets.Count < _options.GossipNodes; tries++)
            {
                var c = _probeList[_random.Next(n)];
                if (c == _local || _gossipTargets.Contains(c))
                {
                    continue;
                }
                // Gossip to the recently dead too, so a wrongly declared member learns it and refutes.
                if (c.IsDeadOrLeft && _time.GetElapsedTime(c.StateChangeTimestamp) > _options.GossipToTheDeadTime)
                {
                    continue;
                }

                _gossipTargets.Add(c);
            }

            foreach (var target in _gossipTargets)
            {
                _writer.Reset();
                if (_broadcasts.Fill(_writer, PacketBudget, TransmitLimit) == 0)
                {
                    break;
                }

                Send(target.Address, _writer);
            }
        }

        FlushEvents(); // broadcasts finishing may complete a leave
    }

    // Sends the message already in the writer plus as many queued broadcasts as fit.
    internal void SendWithPiggyback(string address, WireWriter writer)
    {
        _broadcasts.Fill(writer, PacketBudget - writer.Length, TransmitLimit);
        Send(address, writer);
    }

    private void Send(string address, WireWriter writer)
    {
        var packet = _sealer.Seal(writer.WrittenSpan);
        Stats.PacketOut(packet.Length);
        _transport.SendPacket(address, packet);
    }
}
