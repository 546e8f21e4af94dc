namespace Cache.Gossip.Transport;

/// <summary>What a transport delivers to its node. Implementations must not throw.</summary>
public interface IGossipPacketHandler
{
    /// <summary>A datagram arrived from an address.</summary>
    void OnPacket(string from, ReadOnlyMemory<byte> packet);

    /// <summary>A stream request arrived; returns the response, or null to close without one.</summary>
    byte[]? OnStream(string from, ReadOnlyMemory<byte> request);
}
