namespace Cache.Gossip.Wire;

/// <summary>Why an incoming packet or stream message was dropped.</summary>
public enum DropReason
{
    /// <summary>Too short, or a length field points past the end.</summary>
    Truncated,
    /// <summary>Not our magic byte: not a gossip packet.</summary>
    BadMagic,
    /// <summary>A wire version we do not speak.</summary>
    UnsupportedVersion,
    /// <summary>Another cluster label (or a missing one).</summary>
    LabelMismatch,
    /// <summary>Plain packet while a key is set.</summary>
    Unencrypted,
    /// <summary>Encrypted packet while no key is set.</summary>
    UnexpectedEncryption,
    /// <summary>No installed key opens it (or it was tampered with).</summary>
    DecryptFailed,
    /// <summary>CRC32 mismatch.</summary>
    BadChecksum,
    /// <summary>A message that does not parse.</summary>
    Malformed,
    /// <summary>A message type we do not know.</summary>
    UnknownType,
    /// <summary>A ping meant for another node name.</summary>
    WrongTarget,
    /// <summary>An encrypted packet whose sender and sequence were already accepted (a replay), or older than the sender's window.</summary>
    Replayed,
    /// <summary>An encrypted packet stamped further from the local clock than <see cref="GossipOptions.MaxClockSkew"/>.</summary>
    Stale,
    /// <summary>A length or inflated size beyond the protocol's limit.</summary>
    TooLarge,
    /// <summary>An indirect probe of a member this node does not know (refused so a payload address is never probed on request).</summary>
    UnknownTarget,
}
