namespace Cache.Gossip.Wire;

/// <summary>Message type byte; a packet body is a sequence of (type, length, payload).</summary>
internal enum MessageType : byte
{
    Ping = 1,
    IndirectPing = 2,
    Ack = 3,
    Nack = 4,
    Alive = 5,
    Suspect = 6,
    Dead = 7,
    PushPull = 8,
}
