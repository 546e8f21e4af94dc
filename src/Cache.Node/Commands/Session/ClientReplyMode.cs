namespace Cache.Node.Commands;

/// <summary>CLIENT REPLY: whether the connection's replies are sent.</summary>
internal enum ClientReplyMode : byte
{
    On,

    /// <summary>No replies until CLIENT REPLY ON (pushes still go out, as in Redis).</summary>
    Off,

    /// <summary>CLIENT REPLY SKIP ran: the next command's reply is dropped.</summary>
    SkipNext,

    /// <summary>This command's reply is dropped.</summary>
    Skip,
}
